"""Loading list files: the three formats, versions, and bad input that loads nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from rekisteri.audit.models import AuditEvent
from rekisteri.watchlists import services
from rekisteri.watchlists.models import ListEntity, ListVersion, WatchList
from rekisteri.watchlists.selectors import current_versions, lists_fingerprint
from rekisteri.watchlists.services import ListFileError, load_list

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
FTM = FIXTURES / "entities.ftm.json"
EU = FIXTURES / "eu_fsf.xml"
UN = FIXTURES / "un_consolidated.xml"


def entity(key: str) -> ListEntity:
    return ListEntity.objects.get(key=key, version__is_current=True)


def test_ftm_file_loads_its_people_companies_and_vessels_with_names_dates_countries() -> None:
    version = load_list(FTM, actor="tester")
    assert version.is_current
    assert version.format == "ftm"
    assert version.watchlist.name == "OpenSanctions"
    assert version.file_name == "entities.ftm.json"
    assert len(version.sha256) == 64
    assert version.loaded_by == "tester"
    # the Sanction and the Address are not screened; they are not entries
    assert version.entity_count == 5
    ivan = entity("NK-fict-ivanov")
    assert ivan.schema == "person"
    assert ivan.caption == "Ivan Petrovich Sidorenko"
    assert "Иван Петрович Сидоренко" in ivan.names
    assert ivan.birth_dates == ["1961-03-14"]
    assert ivan.countries == ["ru"]
    # the Sanction entity's programme lands on the entry it sanctions
    assert "Fictional steel sanctions programme" in ivan.topics
    assert "sanction" in ivan.topics
    # the matcher's tokens are stored with the entry, Cyrillic in Latin letters
    assert ["ivan", "petrovich", "sidorenko"] in ivan.name_tokens
    assert any(t[-1] == "sidorenko" for t in ivan.name_tokens[1:])
    assert len(ivan.name_codes) == len(ivan.name_tokens)
    company = entity("NK-fict-steelco")
    assert company.schema == "organisation"
    # the legal form is not part of the matched name
    assert company.name_tokens[0] == ["nordic", "fictional", "steel", "trading"]
    assert entity("NK-fict-vessel").schema == "other"


def test_eu_fsf_file_loads_entities_with_aliases_birthdates_and_citizenship() -> None:
    version = load_list(EU)
    assert version.format == "eu-fsf"
    assert version.watchlist.name == "EU Financial Sanctions Files"
    assert version.entity_count == 3
    olga = entity("eu-fsf-900001")
    assert olga.schema == "person"
    assert olga.names[0] == "Olga Viktorovna Kuznetsova-Fiktiv"
    assert "Ольга Викторовна Кузнецова-Фиктив" in olga.names
    assert olga.birth_dates == ["1969-07-02"]
    assert olga.countries == ["ru"]
    assert olga.topics == ["RUS"]
    assert olga.raw["logicalId"] == "900001"
    assert entity("eu-fsf-900002").schema == "organisation"
    assert entity("eu-fsf-900003").birth_dates == ["1980"]


def test_un_file_loads_individuals_and_entities_with_aliases_and_nationality() -> None:
    version = load_list(UN)
    assert version.format == "un"
    assert version.entity_count == 3
    abdullah = entity("un-9990001")
    assert abdullah.caption == "ABDULLAH YUSUF AL-FIKTIVI"
    assert "عبد الله يوسف الفكتيفي" in abdullah.names
    assert "Abu Yusuf al-Fiktivi" in abdullah.names
    assert abdullah.birth_dates == ["1972-01-15"]
    assert abdullah.countries == ["ye"]
    assert abdullah.topics == ["Al-Qaida"]
    kim = entity("un-9990002")
    assert kim.birth_dates == ["1960", "1962"]
    assert kim.countries == ["kp"]
    shipping = entity("un-9990101")
    assert shipping.schema == "organisation"
    assert "FIMASCO" in shipping.names
    assert shipping.countries == ["kp"]


def test_the_format_can_be_named_and_a_wrong_one_says_which_are_supported(tmp_path: Path) -> None:
    assert load_list(UN, format="un", name="UN test").watchlist.name == "UN test"
    with pytest.raises(ListFileError) as err:
        load_list(UN, format="csv")
    assert "ftm, eu-fsf, un" in str(err.value)
    other = tmp_path / "list.xml"
    other.write_text('<?xml version="1.0"?><sdnList><sdnEntry/></sdnList>')
    with pytest.raises(ListFileError) as err:
        load_list(other)
    assert "sdnList" in str(err.value) and "ftm, eu-fsf, un" in str(err.value)
    csv = tmp_path / "list.csv"
    csv.write_text("name;birth\nX;1970\n")
    with pytest.raises(ListFileError) as err:
        load_list(csv)
    assert "ftm, eu-fsf, un" in str(err.value)
    assert WatchList.objects.count() == 1


def test_a_new_version_becomes_the_only_current_one_and_changes_the_fingerprint(
    tmp_path: Path,
) -> None:
    first = load_list(FTM, name="Sanctions")
    before = lists_fingerprint()
    changed = tmp_path / "entities.ftm.json"
    lines = FTM.read_text(encoding="utf-8").splitlines()
    changed.write_text("\n".join(lines[1:]) + "\n", encoding="utf-8")
    second = load_list(changed, name="Sanctions")
    first.refresh_from_db()
    assert not first.is_current and second.is_current
    assert [v.pk for v in current_versions()] == [second.pk]
    assert lists_fingerprint() != before
    assert second.entity_count == 4
    # the old version's entries stay for the hits that name them
    assert ListEntity.objects.filter(version=first).count() == 5
    assert ListVersion.objects.filter(watchlist__name="Sanctions").count() == 2


def test_loading_is_audited_with_the_file_and_counts_but_no_names() -> None:
    version = load_list(EU, actor="compliance-officer")
    event = AuditEvent.objects.filter(record=f"watchlists.ListVersion:{version.pk}").get()
    assert event.action == "import"
    assert event.actor == "compliance-officer"
    assert event.detail["entities"] == 3
    assert event.detail["sha256"] == version.sha256
    assert "Olga" not in json.dumps(event.detail)


# --- bad input ------------------------------------------------------------------------------


def test_a_malformed_json_line_is_named_and_nothing_of_the_file_is_loaded(
    tmp_path: Path,
) -> None:
    current = load_list(FTM, name="Sanctions")
    bad = tmp_path / "entities.ftm.json"
    lines = FTM.read_text(encoding="utf-8").splitlines()
    lines.insert(3, '{"id": "x", "schema": "Person", "properties": {"name": ["Broken"]')
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ListFileError) as err:
        load_list(bad, name="Sanctions")
    assert "line 4" in str(err.value)
    assert [v.pk for v in current_versions()] == [current.pk]
    assert ListVersion.objects.count() == 1


def test_an_entity_of_an_unknown_schema_is_named_by_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "entities.ftm.json"
    lines = FTM.read_text(encoding="utf-8").splitlines()
    lines.append(json.dumps({"id": "y", "schema": "Unicorn", "properties": {"name": ["Y"]}}))
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ListFileError) as err:
        load_list(bad)
    assert "line 8" in str(err.value)
    assert not ListVersion.objects.exists()


def test_a_bad_xml_element_is_named_by_its_path_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "eu.xml"
    text = EU.read_text(encoding="utf-8").replace(
        'birthdate="1969-07-02"', 'birthdate="1969-13-45"'
    )
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ListFileError) as err:
        load_list(bad)
    message = str(err.value)
    assert "/export[1]/sanctionEntity[1]/birthdate[1]" in message
    assert "line 9" in message
    assert "1969-13-45" in message
    assert not ListVersion.objects.exists()


def test_an_un_entry_without_its_id_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "un.xml"
    text = UN.read_text(encoding="utf-8").replace("<DATAID>9990002</DATAID>", "")
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ListFileError) as err:
        load_list(bad)
    assert "/CONSOLIDATED_LIST[1]/INDIVIDUALS[1]/INDIVIDUAL[2]" in str(err.value)
    assert "DATAID" in str(err.value)


def test_xml_that_is_not_well_formed_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "un.xml"
    lines = UN.read_text(encoding="utf-8").splitlines()
    lines[9] = lines[9].replace("</UN_LIST_TYPE>", "</UN_LIST>")
    bad.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(ListFileError) as err:
        load_list(bad)
    assert "line 10" in str(err.value)


def test_an_xml_entity_declaration_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "un.xml"
    bad.write_text(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaa">]>'
        "<CONSOLIDATED_LIST><INDIVIDUALS/></CONSOLIDATED_LIST>"
    )
    with pytest.raises(ListFileError) as err:
        load_list(bad)
    assert "entity" in str(err.value)


def test_a_load_that_fails_half_way_leaves_the_previous_version_current(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    current = load_list(UN, name="UN")
    # many entries, so that the load writes several batches before it fails
    big = tmp_path / "un.xml"
    individual = UN.read_text(encoding="utf-8").split("<INDIVIDUAL>")[1].split("</INDIVIDUAL>")[0]
    body = "".join(
        "<INDIVIDUAL>" + individual.replace("9990001", str(100000 + i)) + "</INDIVIDUAL>"
        for i in range(25)
    )
    big.write_text(f"<CONSOLIDATED_LIST><INDIVIDUALS>{body}</INDIVIDUALS></CONSOLIDATED_LIST>")
    monkeypatch.setattr(services, "BATCH", 10)
    original = ListEntity.objects.bulk_create
    calls = []

    def fail_on_third(objs, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(len(objs))
        if len(calls) == 3:
            raise OSError("disk full")
        return original(objs, *args, **kwargs)

    monkeypatch.setattr(ListEntity.objects, "bulk_create", fail_on_third)
    with pytest.raises(OSError):
        load_list(big, name="UN")
    assert calls == [10, 10, 5]
    assert [v.pk for v in current_versions()] == [current.pk]
    assert ListVersion.objects.count() == 1
    assert ListEntity.objects.count() == 3


def test_an_empty_file_loads_nothing(tmp_path: Path) -> None:
    empty = tmp_path / "entities.ftm.json"
    shutil.copy(FTM, empty)
    empty.write_text("")
    with pytest.raises(ListFileError):
        load_list(empty, format="ftm")
    assert not ListVersion.objects.exists()
