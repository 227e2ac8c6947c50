"""Validates a Haven site's own files against the JSON Schemas `haven schema` wrote, with
Python's independent `jsonschema` validator: every page's and section's front matter, every
training session's `event:`, `site.yaml`, and every data file the theme describes. Then checks
that a misspelt key in each kind of file is rejected, so a schema that accepts anything fails.

Usage: python3 validate.py SITE_DIR SCHEMA_DIR
"""

import copy
import json
import pathlib
import sys

import jsonschema
import yaml


class Loader(yaml.SafeLoader):
    """YAML as Haven reads it: dates and times stay text (Haven parses them itself)."""


Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def front_matter(path):
    text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    if not text.startswith("---\n"):
        raise SystemExit(f"{path}: no front matter")
    end = text.index("\n---", 4)
    return yaml.load(text[4:end], Loader=Loader) or {}


def validator(schema_dir, name):
    schema = json.loads((schema_dir / name).read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def errors(v, instance):
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in v.iter_errors(instance)]


def main():
    site, schemas = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    page, section, event, config = (
        validator(schemas, n)
        for n in ("page.schema.json", "section.schema.json", "event.schema.json", "site.schema.json")
    )
    failures, counts = [], {"pages": 0, "sections": 0, "events": 0, "data files": 0}

    def check(v, instance, where):
        for e in errors(v, instance):
            failures.append(f"{where}: {e}")

    for md in sorted((site / "content").rglob("*.md")):
        fm = front_matter(md)
        if md.name == "_index.md":
            check(section, fm, md)
            counts["sections"] += 1
        else:
            check(page, fm, md)
            counts["pages"] += 1
        if "event" in fm:
            check(event, fm["event"], f"{md} (event)")
            counts["events"] += 1
    site_yaml = yaml.load((site / "site.yaml").read_text(), Loader=Loader)
    check(config, site_yaml, "site.yaml")
    data_schemas = {}
    for schema_file in sorted((schemas / "theme" / "data").glob("*.json")):
        stem = schema_file.name[: -len(".json")]
        data_schemas[stem] = validator(schemas, schema_file.relative_to(schemas))
        for ext in (".yaml", ".yml", ".json"):
            data = site / "data" / (stem + ext)
            if data.exists():
                check(data_schemas[stem], yaml.load(data.read_text(), Loader=Loader), data)
                counts["data files"] += 1

    # Each schema must refuse a misspelt key, or it would pass anything.
    some_page = next(md for md in sorted((site / "content").rglob("*.md")) if md.name != "_index.md")
    hostile = [
        ("page", page, {**front_matter(some_page), "titel": "x"}),
        ("section", section, {**front_matter(site / "content" / "_index.md"), "sort_bye": "date"}),
        ("site.yaml", config, {**site_yaml, "reports": site_yaml.get("report")}),
    ]
    if "report" in site_yaml:
        bad = copy.deepcopy(site_yaml)
        bad["report"]["hub_phne"] = bad["report"].pop("hub_phone")
        hostile.append(("site.yaml report", config, bad))
    if "topics" in site_yaml.get("terms", {}):
        hostile.append(("page topics", page, {**front_matter(some_page), "topics": ["neglet"]}))
    for stem, v in data_schemas.items():
        data = site / "data" / (stem + ".yaml")
        if data.exists():
            value = yaml.load(data.read_text(), Loader=Loader)
            if isinstance(value, dict):
                hostile.append((f"data/{stem}.yaml", v, {**value, "independant": {}}))
    for name, v, instance in hostile:
        if not errors(v, instance):
            failures.append(f"{name}: a misspelt key was accepted")

    if failures:
        print("\n".join(failures))
        raise SystemExit(f"{len(failures)} problems")
    print(
        "valid: "
        + ", ".join(f"{n} {k}" for k, n in counts.items())
        + f", site.yaml; {len(hostile)} misspelt keys rejected"
    )


main()
