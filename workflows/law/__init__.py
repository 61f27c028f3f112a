"""Pure Vietnamese occupational-accident law for SafeCase.

This package turns the statutory rules of Law 84/2015/QH13 on occupational safety and health (Luật
ATVSLĐ) and its decrees into plain functions: dated rules tables an administrator can change
(`rules`), calendar and working-day arithmetic (`calendar`), accident classification and
investigation limits (`classification`), the employer-compensation and social-insurance calculators
(`compensation`), and the benefits' start month, re-basing, re-assessment, convalescence,
retraining and assistive devices (`benefits`). It imports neither Flask nor the database, so every
rule can be tested on its own and reused by services, jobs and views alike.
"""


class InvalidInputError(ValueError, TypeError):
    """A law function got an argument of the wrong type (a string percentage, a float wage).

    It is a TypeError, as Python expects for a wrong type, and also a ValueError, so a caller
    that turns the calculators' ValueError into a 400 answer catches every bad input at once.
    """
