"""nbgrader's repeated work done once per process: the same results, the work not repeated."""
from __future__ import annotations

import pytest
from nbformat.v4 import new_code_cell
from traitlets.config import Config

from course_lib.grading import configure


@pytest.fixture(autouse=True)
def patched():
    configure(Config())  # what every course process does when it loads the settings


def test_cell_metadata_is_checked_with_its_schema_compiled_once(monkeypatch):
    import jsonschema
    from nbgrader.nbgraderformat import MetadataValidator, ValidationError

    checks = []
    original = jsonschema.Draft4Validator.check_schema.__func__

    def counted(cls, schema, *args, **kwargs):
        checks.append(1)
        return original(cls, schema, *args, **kwargs)

    monkeypatch.setattr(jsonschema.Draft4Validator, "check_schema", classmethod(counted))
    validator = MetadataValidator()
    good = {"grade": True, "solution": False, "locked": True, "grade_id": "t", "points": 2,
            "schema_version": 3}
    for _ in range(50):
        validator.validate_cell(new_code_cell("1", metadata={"nbgrader": dict(good)}))
    assert len(checks) <= 1, f"the schema was checked {len(checks)} times for 50 cells"
    bad = new_code_cell("1", metadata={"nbgrader": dict(good, points="two")})
    with pytest.raises(ValidationError) as caught:
        validator.validate_cell(bad)
    with pytest.raises(jsonschema.ValidationError) as stock:  # what nbgrader itself raises
        jsonschema.validate(bad.metadata["nbgrader"], validator.schema)
    assert caught.value.message == stock.value.message and "'two'" in caught.value.message


def test_gradebooks_of_one_database_share_an_engine_and_lose_nothing(tmp_path):
    from nbgrader.api import Gradebook

    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    first, second = Gradebook(url, "ml_course"), Gradebook(url, "ml_course")
    assert first.engine is second.engine
    first.add_student("ada")
    first.close()  # disposes of the shared engine's pool: the other gradebook goes on
    second.add_student("grace")
    assert sorted(s.id for s in second.students) == ["ada", "grace"]
    second.close()
    with Gradebook(url, "ml_course") as third:
        assert sorted(s.id for s in third.students) == ["ada", "grace"]
    other = tmp_path / "other.db"
    with Gradebook(f"sqlite:///{other}", "ml_course") as elsewhere:
        assert elsewhere.engine is not third.engine and list(elsewhere.students) == []


def test_a_gradebook_opened_again_compiles_no_sql_again(tmp_path, monkeypatch):
    from nbgrader.api import Gradebook
    from sqlalchemy.sql import compiler

    url = f"sqlite:///{tmp_path / 'gradebook.db'}"

    def record_a_student():
        with Gradebook(url, "ml_course") as gradebook:
            gradebook.update_or_create_student("ada", first_name="Ada")
            gradebook.find_student("ada")

    record_a_student()
    compiled = []
    original = compiler.SQLCompiler.__init__

    def counted(self, *args, **kwargs):
        compiled.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(compiler.SQLCompiler, "__init__", counted)
    record_a_student()
    record_a_student()
    assert compiled == [], f"{len(compiled)} statements compiled again (each Gradebook's own engine)"
