"""Extract openings from an Indeed XML feed with Python, for the xml-feed benchmark.

Usage: python_extract.py etree|lxml FEED OUTPUT

Does the work of Benchmarks/xml-feed/job.yaml: streams the <job> elements with
iterparse, takes title, category, city, state, country and description, trims
them, joins the location parts, checks that the title is present and that the
reference number is not repeated, and writes one JSON object a line. Each job
element is cleared once read, so memory stays flat.
"""

import json
import sys


def opening(job):
    """Return the opening for one <job> element, or None when it has no title."""

    def text(name):
        value = job.findtext(name)
        return value.strip() if value else ""

    title = text("title")
    if not title:
        return None
    location = ", ".join(part for part in (text("city"), text("state"), text("country")) if part)
    return {
        "title": title,
        "department": text("category") or None,
        "location": location or None,
        "description": text("description") or None,
        "status": "open",
    }


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("etree", "lxml"):
        sys.exit("usage: python_extract.py etree|lxml FEED OUTPUT")
    library, feed, output = sys.argv[1:]
    if library == "lxml":
        from lxml import etree

        events = etree.iterparse(feed, events=("end",), tag="job")
    else:
        import xml.etree.ElementTree as etree

        events = etree.iterparse(feed, events=("end",))

    seen = set()
    rejected = 0
    with open(output, "w", encoding="utf-8") as out:
        for _, element in events:
            if element.tag != "job":
                continue
            key = (element.findtext("referencenumber") or "").strip()
            record = opening(element)
            if record is None or not key or key in seen:
                rejected += 1
            else:
                seen.add(key)
                out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
                out.write("\n")
            element.clear()
            if library == "lxml":
                # Drop the finished siblings that lxml keeps linked to the root.
                while element.getprevious() is not None:
                    del element.getparent()[0]
    if rejected:
        print(f"{rejected} jobs rejected", file=sys.stderr)


if __name__ == "__main__":
    main()
