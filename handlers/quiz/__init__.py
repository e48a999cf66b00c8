"""Eco-education quizzes (issue 10).

This package will hold the quiz flow (topic and level, rounds of five questions, the daily
question, clubs); for now it holds its question bank: `bank.py` and the YAML files in
`questions/`, one per topic.
"""
