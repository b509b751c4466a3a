"""NPS answers and CSM notes of one account.

NPS waves go out about every 90 days; the score follows the account's health at that moment
(a fading account answers lower), so NPS and usage tell the same story. A few contacts
answer again soon after, as happens when a survey is re-sent.
"""

from dataclasses import dataclass

import numpy as np

from csplatform.demo.seed import catalog
from csplatform.demo.seed.usage import Decline


@dataclass(frozen=True)
class Answer:
    contact: int  # index into the account's contacts
    day: int
    seconds: float  # local time of day
    score: int
    comment: str


@dataclass(frozen=True)
class Note:
    day: int
    seconds: float
    body: str


def _working_seconds(rng: np.random.Generator) -> float:
    return float(rng.uniform(8.5, 17.5) * 3600)


def _category(score: int) -> str:
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


def answers_generate(
    rng: np.random.Generator,
    *,
    first_day: int,
    stop_day: int,
    health: float,
    contact_weights: np.ndarray,
    decline: Decline | None,
) -> list[Answer]:
    answers: list[Answer] = []
    wave = first_day + int(rng.integers(20, 46))
    while wave < stop_day:
        fade = 1.0 if decline is None else float(decline.factor(np.array([wave]))[0])
        mean = 3.0 + 7.5 * health * fade
        responding = rng.random(len(contact_weights)) < 0.2 + 0.3 * contact_weights
        for contact in np.flatnonzero(responding):
            day = wave + int(rng.integers(0, 7))
            score = int(np.clip(round(rng.normal(mean, 1.4)), 0, 10))
            if day < stop_day:
                answers.append(_answer(rng, int(contact), day, score))
            again = day + int(rng.integers(5, 21))
            if rng.random() < 0.1 and again < stop_day:
                score = int(np.clip(score + rng.integers(-1, 2), 0, 10))
                answers.append(_answer(rng, int(contact), again, score))
        wave += 90 + int(rng.integers(-10, 11))
    return answers


def _answer(rng: np.random.Generator, contact: int, day: int, score: int) -> Answer:
    comment = ""
    if rng.random() < 0.3:
        options = catalog.NPS_COMMENTS[_category(score)]
        comment = options[rng.integers(len(options))]
    return Answer(contact, day, _working_seconds(rng), score, comment)


def notes_generate(
    rng: np.random.Generator,
    *,
    first_day: int,
    stop_day: int,
    champion: str,
    health: float,
    large: bool,
    decline: Decline | None,
    churn_note: str | None,
) -> list[Note]:
    """A kickoff note, quarterly check-ins for larger accounts, a risk note, the churn note."""
    notes: list[Note] = []

    def add(day: int, templates: tuple[str, ...]) -> None:
        if first_day <= day < stop_day:
            body = templates[rng.integers(len(templates))].format(champion=champion)
            notes.append(Note(day, _working_seconds(rng), body))

    if rng.random() < 0.6:
        add(first_day + int(rng.integers(0, 6)), catalog.KICKOFF_NOTES)
    if large:
        for day in range(first_day + 85, stop_day, 91):
            add(day, catalog.CHECKIN_GOOD if health >= 0.55 else catalog.CHECKIN_BAD)
    if decline is not None and decline.floor < 0.5 and rng.random() < 0.7:
        add(decline.churn_day - decline.days // 2, catalog.RISK_NOTES)
    if churn_note is not None:
        # Churned accounts stop on their churn day, which the note is dated.
        notes.append(Note(stop_day, _working_seconds(rng), f"Churned: {churn_note}"))
    return notes
