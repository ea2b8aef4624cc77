#!/usr/bin/env python3
"""Write a synthetic candidates CSV for the csv-to-jsonl benchmark.

Usage: generate.py ROWS OUT.csv

The random generator has a fixed seed, so runs with the same ROWS and Python
version write identical files. The header is
first_name,last_name,email,phone,opening_id,source,notes. Every e-mail is unique
because it contains the row number. About 5% of the notes are quoted cells with
commas, doubled quotes and line breaks, so a reader cannot split records on
newlines. Lines end in LF, both between records and inside quoted cells.
1,000,000 rows come to about 79 MB.
"""

import csv
import os
import random
import sys

SEED = 20240601
HEADER = ["first_name", "last_name", "email", "phone", "opening_id", "source", "notes"]
OPENING_IDS = range(1, 501)
ROWS_PER_WRITE = 10_000

# Pairs of (name as written, ASCII form used in the e-mail address). Most names
# are plain Latin. The others are accented Latin, Greek, Cyrillic, Chinese,
# Japanese and Korean, which take 2 or 3 bytes a character in UTF-8.
LATIN_FIRST_NAMES = [
    ("James", "james"), ("Mary", "mary"), ("Robert", "robert"), ("Linda", "linda"),
    ("Michael", "michael"), ("Sarah", "sarah"), ("David", "david"), ("Emma", "emma"),
    ("Daniel", "daniel"), ("Olivia", "olivia"), ("Thomas", "thomas"), ("Laura", "laura"),
    ("Ahmed", "ahmed"), ("Priya", "priya"), ("Lucas", "lucas"), ("Mia", "mia"),
    ("Noah", "noah"), ("Hannah", "hannah"), ("Kwame", "kwame"), ("Aisha", "aisha"),
]
OTHER_FIRST_NAMES = [
    ("María", "maria"), ("Zoë", "zoe"), ("Søren", "soren"), ("François", "francois"),
    ("Łukasz", "lukasz"), ("İlker", "ilker"), ("Ελένη", "eleni"), ("Δημήτρης", "dimitris"),
    ("Ωρίων", "orion"), ("Анна", "anna"), ("Дмитрий", "dmitry"), ("Ольга", "olga"),
    ("翔太", "shota"), ("美咲", "misaki"), ("伟", "wei"), ("지훈", "jihoon"),
]
LATIN_LAST_NAMES = [
    ("Smith", "smith"), ("Johnson", "johnson"), ("Brown", "brown"), ("Taylor", "taylor"),
    ("Wilson", "wilson"), ("Clarke", "clarke"), ("O'Brien", "obrien"), ("Patel", "patel"),
    ("Khan", "khan"), ("Schmidt", "schmidt"), ("Rossi", "rossi"), ("Jansen", "jansen"),
    ("Okafor", "okafor"), ("Silva", "silva"), ("Kowalski", "kowalski"), ("Van der Berg", "vanderberg"),
]
OTHER_LAST_NAMES = [
    ("Müller", "mueller"), ("García-López", "garcialopez"), ("Nguyễn", "nguyen"),
    ("Çelik", "celik"), ("Øvergård", "overgard"), ("Παπαδόπουλος", "papadopoulos"),
    ("Οικονόμου", "oikonomou"), ("Иванова", "ivanova"), ("Смирнов", "smirnov"),
    ("佐藤", "sato"), ("王", "wang"), ("김", "kim"),
]
NON_LATIN_SHARE = 0.2

DOMAINS = ["example.com", "example.org", "example.net"]
SOURCES = ["LinkedIn", "Indeed", "Referral", "Career site", "Agency", "Glassdoor"]

SHORT_NOTES = [
    "Referral", "Call back", "Strong Swift", "Relocating", "Remote only", "Part time",
    "Second round", "No show", "Good fit", "Visa needed", "Ex-colleague", "Overqualified",
]
EMPTY_NOTES_SHARE = 0.65
SHORT_NOTES_SHARE = 0.3
EMPTY_PHONE_SHARE = 0.03


def make_phone(rng: random.Random) -> str:
    """Return a phone number in one of several national and international styles."""
    if rng.random() < EMPTY_PHONE_SHARE:
        return ""
    style = rng.randrange(6)
    if style == 0:
        # UK numbers reserved for drama use, 020 7946 0000 to 0999, written with
        # the trunk 0 after +44 as people often do.
        return f"+44 020 7946 0{rng.randrange(1000):03d}"
    if style == 1:
        return f"0176 {rng.randrange(10**7):07d}"
    if style == 2:
        return f"+49 30 {rng.randrange(10**8):08d}"
    if style == 3:
        return f"+1 212 555 01{rng.randrange(100):02d}"
    if style == 4:
        return f"06 {rng.randrange(100):02d} {rng.randrange(100):02d} {rng.randrange(100):02d} {rng.randrange(100):02d}"
    return f"0{rng.randrange(10**9):09d}"


def make_long_note(rng: random.Random) -> str:
    """Return a multi-line note with commas and double quotes, which the CSV writer must quote."""
    company = rng.choice(["Acme, Inc.", "Globex", "Initech", "Umbrella Corp"])
    weeks = rng.randrange(1, 9)
    return f'Met at "{rng.choice(SOURCES)}" day, keen.\nWas at {company}\nSaid "can start in {weeks} weeks"'


def make_note(rng: random.Random) -> str:
    draw = rng.random()
    if draw < EMPTY_NOTES_SHARE:
        return ""
    if draw < EMPTY_NOTES_SHARE + SHORT_NOTES_SHARE:
        return rng.choice(SHORT_NOTES)
    return make_long_note(rng)


def pick_name(rng: random.Random, latin: list, other: list) -> tuple:
    if rng.random() < NON_LATIN_SHARE:
        return rng.choice(other)
    return rng.choice(latin)


def make_row(rng: random.Random, number: int) -> list:
    first_name, first_ascii = pick_name(rng, LATIN_FIRST_NAMES, OTHER_FIRST_NAMES)
    last_name, last_ascii = pick_name(rng, LATIN_LAST_NAMES, OTHER_LAST_NAMES)
    # Half the addresses are first.last, the other half initial and last name.
    if rng.random() < 0.5:
        local_part = f"{first_ascii}.{last_ascii}{number}"
    else:
        local_part = f"{first_ascii[0]}{last_ascii}{number}"
    email = f"{local_part}@{rng.choice(DOMAINS)}"
    return [
        first_name,
        last_name,
        email,
        make_phone(rng),
        rng.choice(OPENING_IDS),
        rng.choice(SOURCES),
        make_note(rng),
    ]


def write_candidates(row_count: int, path: str) -> None:
    """Write row_count candidate rows to path through a temporary file, then rename it."""
    rng = random.Random(SEED)
    temporary_path = f"{path}.partial"
    with open(temporary_path, "w", encoding="utf-8", newline="") as file:
        # QUOTE_MINIMAL quotes only cells that contain a comma, a quote or a
        # line break, as spreadsheet exports do.
        writer = csv.writer(file, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(HEADER)
        for start in range(0, row_count, ROWS_PER_WRITE):
            end = min(start + ROWS_PER_WRITE, row_count)
            writer.writerows(make_row(rng, number) for number in range(start + 1, end + 1))
    os.replace(temporary_path, path)


def main(arguments: list) -> int:
    if len(arguments) != 2:
        print("usage: generate.py ROWS OUT.csv", file=sys.stderr)
        return 2
    try:
        row_count = int(arguments[0])
    except ValueError:
        row_count = -1
    if row_count < 0:
        print(f"generate.py: invalid ROWS {arguments[0]!r}: expected a whole number >= 0", file=sys.stderr)
        return 2

    write_candidates(row_count, arguments[1])
    size = os.path.getsize(arguments[1])
    print(f"wrote {row_count:,} rows to {arguments[1]} ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
