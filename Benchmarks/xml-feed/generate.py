"""Write a synthetic Indeed XML job feed for the xml-feed benchmark.

Usage: generate.py JOBS OUTPUT

Every job has the usual Indeed elements with CDATA values and an HTML
description of about 2 KB. The companies, places and texts are invented.
The random seed is fixed, so the same arguments always give the same file.
"""

import random
import sys

SEED = 20240611

COMPANIES = [
    "Bramblewood Analytics", "Northwind Tiles", "Quillfeather Labs", "Harbor & Finch",
    "Lumen Orchard", "Copperleaf Logistics", "Vexley Foods", "Saltmarsh Robotics",
    "Greyhaven Clinics", "Juniper Byte", "Ostrava Pumpworks", "Kestrel Nine",
]
TITLES = [
    "Backend Engineer", "Warehouse Associate", "Registered Nurse", "Data Analyst",
    "Customer Support Specialist", "Électricien(ne) de maintenance", "Store Manager",
    "Mechanical Designer", "Payroll Coordinator", "Site Reliability Engineer",
    "Frontend Developer", "Forklift Operator", "Übersetzer (m/w/d)", "Line Cook",
]
PLACES = [
    ("Lisbon", "Lisbon", "PT", "1000-001"), ("Austin", "TX", "US", "73301"),
    ("Kraków", "Lesser Poland", "PL", "30-001"), ("Québec", "QC", "CA", "G1R 4P5"),
    ("Leeds", "West Yorkshire", "GB", "LS1 1UR"), ("Graz", "Styria", "AT", "8010"),
    ("Osaka", "Osaka", "JP", "530-0001"), ("Tromsø", "Troms", "NO", "9008"),
]
CATEGORIES = ["Engineering", "Operations", "Healthcare", "Finance", "Support", "Retail", ""]
JOB_TYPES = ["fulltime", "parttime", "contract", "temporary"]
EDUCATION = ["High school", "Bachelor's degree", "Master's degree", ""]
REMOTE = ["", "Fully remote", "Hybrid remote", "Temporarily remote"]
WORDS = (
    "team customers product quality safety growth shift schedule training benefits "
    "inventory systems reporting deadlines colleagues projects clients tools process "
    "support planning delivery service standards equipment data research results"
).split()
PHRASES = [
    "You’ll work closely with the team – every day brings something new.",
    "Salary & benefits are reviewed every year.",
    "We value curiosity, care and café-fuelled collaboration.",
    "Bonus points for experience with “lean” methods.",
    "Naïve questions are welcome; we answer them all.",
]


def sentence(rng):
    words = rng.sample(WORDS, rng.randint(8, 14))
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def description(rng, size):
    """Return an HTML description of at least `size` bytes."""
    parts = []
    length = 0
    while length < size:
        kind = rng.random()
        if kind < 0.45:
            text = "<p>" + " ".join(sentence(rng) for _ in range(3)) + "</p>"
        elif kind < 0.8:
            items = "".join("<li>" + sentence(rng) + "</li>" for _ in range(rng.randint(3, 5)))
            text = "<h3>What you will do</h3>\n<ul>" + items + "</ul>"
        else:
            text = "<p><strong>" + rng.choice(PHRASES) + "</strong></p>"
        parts.append(text)
        length += len(text.encode("utf-8")) + 1
    return "\n".join(parts)


def cdata(text):
    """Wrap text in CDATA, splitting any "]]>" so the section stays well-formed."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def write_job(out, rng, number):
    place = rng.choice(PLACES)
    body = description(rng, 1680)
    if number % 97 == 0:
        # A few descriptions contain the CDATA terminator, which must be split.
        body += "\n<p>Use arr[idx[0]]> 0 in the test.</p>"
    fields = [
        ("title", rng.choice(TITLES)),
        ("date", f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"),
        ("referencenumber", f"REQ-{number:07d}"),
        ("url", f"https://jobs.example.com/req/{number}"),
        ("company", rng.choice(COMPANIES)),
        ("city", place[0]),
        ("state", place[1]),
        ("country", place[2]),
        ("postalcode", place[3]),
        ("description", body),
        ("salary", f"${rng.randint(30, 140)},000 per year"),
        ("jobtype", rng.choice(JOB_TYPES)),
        ("category", rng.choice(CATEGORIES)),
        ("education", rng.choice(EDUCATION)),
        ("experience", f"{rng.randint(0, 8)}+ years"),
        ("remotetype", rng.choice(REMOTE)),
    ]
    out.write("  <job>\n")
    for name, value in fields:
        out.write(f"    <{name}>{cdata(value)}</{name}>\n")
    out.write("  </job>\n")


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: generate.py JOBS OUTPUT")
    jobs = int(sys.argv[1])
    rng = random.Random(SEED)
    with open(sys.argv[2], "w", encoding="utf-8", newline="\n") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<source>\n')
        out.write("  <publisher>Example Job Board</publisher>\n")
        out.write("  <publisherurl>https://jobs.example.com</publisherurl>\n")
        for number in range(1, jobs + 1):
            write_job(out, rng, number)
        out.write("</source>\n")


if __name__ == "__main__":
    main()
