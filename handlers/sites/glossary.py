"""The words of this feature, one per thing in every catalog (GLOSSARY.md has the shared ones; these
are added by issue 14 and used consistently in the messages of handlers/sites, jobs/sites.py and
the moderators' card):

# glossary: site detected from space = ғарыштан анықталған орын / место, обнаруженное из космоса / site detected from space
# glossary: site to verify = тексерілетін орын / место для проверки / site to verify
# glossary: verify (a site) = тексеру / проверить / verify
# glossary: satellite (the origin of a report) = жер серігі / спутник / satellite
# glossary: urgent = шұғыл / срочно (срочное) / urgent
# glossary: hazard = қауіп / опасность / hazard
# glossary: urgent hazard = шұғыл қауіп / срочная опасность / urgent hazard
# glossary: nothing here = мұнда ештеңе жоқ / здесь ничего нет / nothing here
# glossary: not found (a site's status) = табылмады / не найдено / not found
# glossary: don't ask me = енді сұрамаңыз / больше не спрашивать / don't ask me
# glossary: fire or smoke = өрт немесе түтін / пожар или дым / fire or smoke
# glossary: chemical spill = химиялық заттың төгілуі / разлив химикатов / chemical spill
"""
