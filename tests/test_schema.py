"""`dossier schema` (dossier/schema.py): JSON Schema from the parser's own field tables."""
import json
from pathlib import Path

import jsonschema
import pytest

from conftest import REPO, SiteDir
from dossier.model import KINDS
from dossier.parse.fields import COMMON, SCHEMAS
from dossier.parse.frontmatter import load_front_matter, split_front_matter
from dossier.schema import config_schema, front_matter_schema
from dossier.yamltools import load_yaml


def test_schemas_are_valid_json_schema_and_cover_every_field():
    for kind in SCHEMAS:
        schema = front_matter_schema(kind)
        jsonschema.Draft202012Validator.check_schema(schema)
        assert set(COMMON) | set(SCHEMAS[kind]) <= set(schema["properties"])
        assert {"author", "description", "url"} <= set(schema["properties"])  # other generators' names
    jsonschema.Draft202012Validator.check_schema(config_schema())


@pytest.mark.parametrize("path", sorted((REPO / "content").rglob("*.md")), ids=lambda p: p.name)
def test_example_front_matter_validates(path):
    data = load_front_matter(split_front_matter(path.read_text(encoding="utf-8"))).data
    folder = path.relative_to(REPO / "content").parts[0]
    jsonschema.validate(data, front_matter_schema(KINDS.get(folder, "page")))


def test_example_config_validates():
    jsonschema.validate(load_yaml((REPO / "dossier.yaml").read_text(encoding="utf-8")).data, config_schema())


def test_wrong_values_are_rejected_as_the_parser_rejects_them():
    place = front_matter_schema("place")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"title": "Kabul", "coordinates": "34.5, 69.2"}, place)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"status": "maybe", "title": "x"}, front_matter_schema("claim"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"date": "2021"}, front_matter_schema("article"))  # title required
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"titel": "x"}, config_schema())


def test_cli_writes_the_schema(tmp_path):
    run = SiteDir(tmp_path).run("schema", "config", "--output", str(tmp_path / "config.json"))
    assert run.code == 0
    assert json.loads((tmp_path / "config.json").read_text())["title"] == "dossier.yaml"
    run = SiteDir(tmp_path).run("schema")
    assert set(json.loads(run.out)["$defs"]) >= {"article", "person", "place", "event", "claim", "page"}


@pytest.mark.parametrize("languages, ok", [
    ([{"code": "en", "name": "English"}, {"code": "fa-AF", "calendar": "persian", "direction": "rtl"}, "ps"], True),
    ([{"name": "no code"}], False),
    ([{"code": "fa", "calendar": "hijri"}], False),
    ([{"code": "fa", "direction": "up"}], False),
    ([{"code": "fa", "flag": "af"}], False),
])
def test_config_schema_knows_languages_as_the_config_loader_does(tmp_path, languages, ok):
    from dossier.config import load_config
    import yaml

    (tmp_path / "dossier.yaml").write_text(yaml.safe_dump({"title": "T", "languages": languages}, allow_unicode=True),
                                           encoding="utf-8")
    _config, diags = load_config(tmp_path)
    assert (not diags) == ok, diags
    if ok:
        jsonschema.validate({"languages": languages, "calendar": "persian"}, config_schema())
    else:
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({"languages": languages}, config_schema())
