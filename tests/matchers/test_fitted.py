"""The shipped combiners: they load, say how they were fitted, and serve a watchlist they never saw."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from matchers import cases, statements
from matchers.combiner import Combiner
from matchers.fitted import MODELS, NAMES, OPTIONAL, Models
from matchers.linker import Linker
from monitor.domain.errors import ModelError
from monitor.domain.item import Item
from monitor.domain.watchlist import Case, Watchlist
from monitor.evaluate import BLIND, TUNE, VALIDATION

NEW_CASE = Case(
    id="san-fernando-2010", name="San Fernando massacre", date=dt.date(2010, 8, 24),
    place="El Huizachal, San Fernando, Tamaulipas", aliases=("masacre de San Fernando", "San Fernando massacre"),
    description=("Gunmen killed 72 migrants from Central and South America at a ranch in El Huizachal, San "
                 "Fernando, Tamaulipas, in August 2010; a survivor reached a navy checkpoint.",
                 "Un grupo armado asesinó a 72 migrantes centroamericanos y sudamericanos en un rancho de El "
                 "Huizachal, San Fernando, Tamaulipas, en agosto de 2010; un sobreviviente llegó a un retén de la "
                 "Marina."))


def test_shipped_models_load_with_the_features_of_this_version_and_how_they_were_fitted():
    models = Models.load()
    assert models.case_base.features == cases.OWN and models.cases.features == cases.FEATURES
    assert models.statements.features == statements.FEATURES
    for combiner in (models.case_base, models.cases, models.statements):
        assert 0.0 < combiner.threshold < 1.0
        assert {"data", "rows", "out_of_fold_f1", "fitted"} <= combiner.meta.keys()
        assert any("mx2" in d for d in combiner.meta["data"])  # fitted on the tune sets
        fitted_on = {d.split()[0] for d in combiner.meta["data"]}  # "mx2 (75 items)" -> "mx2"
        assert fitted_on == set(TUNE)  # every tune set, and never a validation one
        assert not fitted_on & set(VALIDATION)
    assert "dense_bound" in models.cases.meta


def test_the_blind_sets_are_fitted_on_like_any_tune_set():
    # blind: their errors are never printed (bench/), but the fit uses them and no validation set is one
    assert set(BLIND) <= set(TUNE) and not set(BLIND) & set(VALIDATION)


def test_a_missing_model_file_names_the_file(tmp_path: Path):
    with pytest.raises(ModelError, match="case_base.json.*monitor fit"):
        Models.load(tmp_path)


def test_a_stale_case_combiner_is_refused(watchlist: Watchlist):
    models = Models.load()
    stale = Combiner(models.cases.features[:-1], models.cases.weights[:-1], models.cases.bias)
    with pytest.raises(ModelError, match="monitor fit"):
        Linker(watchlist, models=Models(models.case_base, stale, models.statements))


def test_a_case_added_to_the_watchlist_links_without_a_refit(watchlist: Watchlist, encoder):
    grown = Watchlist(units=watchlist.units, cases=(*watchlist.cases, NEW_CASE), statements=watchlist.statements)
    linker = Linker(grown, encoder)  # the shipped files, fitted before this case existed
    about_new = Item("t", "n1", "", "Relatives of migrants killed in the San Fernando massacre demand answers",
                     "Families of the 72 migrants murdered at the El Huizachal ranch in San Fernando, Tamaulipas, "
                     "in August 2010 said the remains of several victims have still not been returned.")
    about_old = Item("t", "o1", "", "Tlatlaya: soldiers executed men who had surrendered",
                     "The rights commission found that soldiers killed people who had surrendered in a warehouse "
                     "in San Pedro Limón, Tlatlaya, on June 30, 2014.")
    unrelated = Item("t", "u1", "", "Stocks rise", "Markets rose on Tuesday as investors welcomed trade talks.")
    found = linker.assess_many([about_new, about_old, unrelated])
    assert [[c.id for c in a.cases] for a in found] == [["san-fernando-2010"], ["tlatlaya-2014"], []]
    assert 0.0 < found[0].cases[0].score <= 1.0  # the link's score is the calibrated probability


def test_models_load_from_a_folder_of_ones_own(tmp_path: Path):
    Models.load().save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{n}.json" for n in (*NAMES, OPTIONAL))
    assert {f"{n}.json" for n in NAMES} <= {p.name for p in MODELS.glob("*.json")}
    assert Models.load(tmp_path) == Models.load()


def test_a_folder_of_ones_own_fit_carries_the_allegation_combiner_when_it_has_one(tmp_path: Path, watchlist):
    shipped = Models.load()
    assert shipped.allegation is not None  # the shipped folder has allegation.json
    Models(shipped.case_base, shipped.cases, shipped.statements).save(tmp_path / "without")
    assert Models.load(tmp_path / "without").allegation is None  # the detector keeps its own default
    own = Combiner(shipped.allegation.features, shipped.allegation.weights, -50.0, 0.5, {"own": True})
    Models(shipped.case_base, shipped.cases, shipped.statements, own).save(tmp_path / "with")
    loaded = Models.load(tmp_path / "with")
    assert loaded.allegation is not None and loaded.allegation.meta == {"own": True}
    assert Linker(watchlist, models=loaded).allegations.model == loaded.allegation
