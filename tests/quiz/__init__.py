"""Tests of the eco-quiz: its question bank now, its flow later."""
