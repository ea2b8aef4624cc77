"""Write COUNT invented candidates for OPENING_ID as CSV to PATH.

Usage: generate.py PATH COUNT OPENING_ID
The names are drawn with a fixed seed and every e-mail address is unique, at example.com.
"""

import csv
import random
import sys

FIRST_NAMES = ["Ada", "Bruno", "Chiara", "Dmitri", "Eşref", "Fatou", "Gunnar", "Hana",
               "Ines", "Jonas", "Kaito", "Leila", "Mateo", "Nadia", "Oskar", "Priya"]
LAST_NAMES = ["Abara", "Berg", "Castell", "Duval", "Eriksen", "Fontaine", "Garza", "Holm",
              "Ivanova", "Jansen", "Kowalski", "Lindqvist", "Moreau", "Novak", "Okafor"]


def main() -> None:
    path, count, opening_id = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    generator = random.Random(2000)
    with open(path, "w", newline="", encoding="utf-8") as output:
        writer = csv.writer(output)
        writer.writerow(["first_name", "last_name", "email", "opening_id"])
        for number in range(1, count + 1):
            first = generator.choice(FIRST_NAMES)
            last = generator.choice(LAST_NAMES)
            email = f"import-{number:05d}@example.com"
            writer.writerow([first, last, email, opening_id])


if __name__ == "__main__":
    main()
