"""Plausible profile text for generated accounts: usernames, display names, bios, places.

Pure functions of a `random.Random`, so a world built from the same seed gets the same people.
Usernames follow each platform's rules: Twitter/X `[a-z0-9_]{1,15}`, Instagram
`[a-z0-9._]{1,30}` (dots allowed, never leading, trailing or doubled).
"""

from __future__ import annotations

import random
import re

FIRST = ("john", "alice", "maria", "li", "omar", "sofia", "liam", "emma", "noah", "ava",
         "lucas", "mia", "arjun", "zoe", "mateo", "ines", "yuki", "kofi", "nina", "ivan",
         "chloe", "diego", "sara", "tom", "hana", "leo", "amara", "finn", "ruth", "kai",
         "elena", "samir", "grace", "jonas", "priya", "felix", "lena", "oscar", "aisha", "ben")
LAST = ("smith", "johnson", "garcia", "chen", "okafor", "muller", "rossi", "tanaka", "silva",
        "novak", "kim", "patel", "nguyen", "dubois", "jensen", "khan", "lopez", "berg",
        "costa", "ward", "ivanova", "moreau", "schmidt", "ali", "park", "reyes", "hughes")
WORDS = ("data", "pixel", "coffee", "rocket", "forest", "river", "code", "night", "sun",
         "graph", "cloud", "ocean", "vinyl", "trail", "lens", "orbit", "maple", "quartz",
         "studio", "daily", "notes", "lab", "bytes", "chef", "books", "runner", "garden")
ROLES = ("Software engineer", "Photographer", "PhD student", "Product designer", "Teacher",
         "Data scientist", "Journalist", "Founder", "Nurse", "Musician", "Analyst", "Chef")
ORGS = ("a startup", "the city library", "a small studio", "a research lab", "a hospital",
        "a newsroom", "an open-source project", "a bakery", "a university")
INTERESTS = ("Coffee", "Trail running", "Jazz", "Open data", "Astronomy", "Cycling",
             "Film photography", "Board games", "Gardening", "Climate", "Football", "Poetry")
CITIES = ("Lisbon", "Lagos", "Berlin", "Austin, TX", "Toronto", "Seoul", "Mumbai", "Lyon",
          "Nairobi", "Melbourne", "Mexico City", "Oslo", "Brooklyn, NY", "Sao Paulo")
PRONOUNS = ("she/her", "he/him", "they/them", None, None, None)

USERNAME_RULES = {
    "twitter": re.compile(r"^[a-z0-9_]{1,15}$"),
    "instagram": re.compile(r"^(?!\.)(?!.*\.\.)[a-z0-9._]{1,30}(?<!\.)$"),
}


def person(rng: random.Random, platform: str, taken: set[str]) -> tuple[str, str | None]:
    """(username, display_name) of a new account; the username is valid on `platform` and not
    in `taken` (which it is then added to), the display name matches it mostly."""
    sep = "_" if platform == "twitter" else rng.choice("._")
    limit = 15 if platform == "twitter" else 30
    first, last, word = rng.choice(FIRST), rng.choice(LAST), rng.choice(WORDS)
    full = f"{first.title()} {last.title()}"
    pattern = rng.randrange(7)
    if pattern == 0:
        name = first + last
    elif pattern == 1:
        name = f"{first}{sep}{last}"
    elif pattern == 2:
        name = f"{first}{rng.randrange(1, 9999)}"
    elif pattern == 3:
        other = rng.choice(WORDS)
        name, full = f"{word}{sep}{other}", f"{word.title()} {other.title()}"
    elif pattern == 4:
        name = f"{first}{last[0]}{rng.randrange(10, 99)}"
    elif pattern == 5:
        name = f"the{sep}{word}{sep}{first}"
    else:
        name, full = f"{word}{rng.randrange(100, 999)}", f"{word.title()} {last.title()}"
    name = name[:limit].strip("._")
    while name in taken or not USERNAME_RULES[platform].match(name):
        name = f"{name[:limit - 4].strip('._')}{rng.randrange(1000, 9999)}"
    taken.add(name)
    roll = rng.random()
    # Some people show their handle as their name, a few leave the name blank.
    return name, None if roll < 0.05 else name if roll < 0.15 else full


def bio(rng: random.Random) -> str | None:
    """A one-line bio, or None for the accounts that leave it blank."""
    if rng.random() < 0.15:
        return None
    first, second = rng.sample(INTERESTS, 2)
    return f"{rng.choice(ROLES)} at {rng.choice(ORGS)}. {first} and {second.lower()}."


def location(rng: random.Random) -> str | None:
    return rng.choice(CITIES) if rng.random() < 0.7 else None


def website(rng: random.Random, handle: str) -> str | None:
    return f"https://{handle.replace('_', '-').replace('.', '-')}.example.com" \
        if rng.random() < 0.3 else None


def pronouns(rng: random.Random) -> str | None:
    return rng.choice(PRONOUNS)


REPLY_TEMPLATES = (
    "Great thread, @{author}!", "This is exactly what I needed today.", "Not sure I agree.",
    "Source?", "Love this 🚀", "@{author} how did you measure that?", "Saving this for later.",
    "Congrats to the whole team!", "Same here, thanks for sharing.", "Wow.",
    "Could you share the slides?", "This aged well.",
)


def reply_text(rng: random.Random, author: str) -> str:
    return rng.choice(REPLY_TEMPLATES).format(author=author)
