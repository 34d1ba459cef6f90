"""Weighted rates, node points through the engine, and intervals checked by simulation."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pytest

from parindex.engine import score_unit
from parindex.surveys.errors import SurveyError
from parindex.surveys.responses import FormData, RawResponses, parse_responses
from parindex.surveys.scoring import ScoringOptions, official_points, score_survey, simulate_rule

from .helpers import SALT, SCALE_QUESTIONS, form_data, row, small_form, small_framework

HAND_ROWS = [
    row("U1", "dan", "553445", uuid="r1", device="a"),
    row("U1", "dan", "333559", uuid="r2", device="b"),
    row("U1", "dn", "111222", uuid="r3", device="c"),
]


def _score(rows, framework=None, **options):  # type: ignore[no-untyped-def]
    data = form_data(small_form(), rows)
    return score_survey(
        [(data, np.ones(data.size, dtype=bool))], framework, ScoringOptions(**options)
    )


def test_the_rate_is_the_weighted_average_of_group_means() -> None:
    # S1: «dan» answers (1+1+0,5)/3 and 0,5 → mean 0,6667; «dn» 0 → (2 × 0,6667 + 0) / 3.
    # S2: «dan» (0,75+0,75+1)/3 and (1+1)/2 («9» = don't know, not scored) → 0,9167; «dn»
    # 0,25 → (2 × 0,9167 + 0,25) / 3 = 0,6944.
    result = _score(HAND_ROWS, small_framework(), min_sample=1)
    unit = result.unit("U1")
    assert unit.nodes["S1"].rate == Decimal("44.44")
    assert unit.nodes["S2"].rate == Decimal("69.44")
    assert unit.nodes["S1"].n_by_group == {"dan": 2, "dn": 1}
    assert unit.nodes["S1"].points == Decimal("4.444")  # ratio: 10 × 44,44 %
    assert unit.nodes["S2"].points == Decimal(0)  # bands: below the 70 % band
    assert unit.points == Decimal("4.444")
    assert unit.nodes["S2"].explanation == "69,44% → 0/5 điểm (dưới mức thấp nhất 70%)"


def test_a_manual_survey_node_takes_the_rates_share_of_its_maximum() -> None:
    result = _score(HAND_ROWS, small_framework("manual"), min_sample=1)
    node = result.unit("U1").nodes["S2"]
    assert node.points == Decimal("3.47")  # 5 × 69,44 % = 3,472 → step 0,01
    assert node.explanation == "69,44% × 5 điểm → Chấm 3,47/5 điểm"


def test_survey_results_feed_the_engines_score_unit() -> None:
    framework = small_framework()
    result = _score(HAND_ROWS, framework, min_sample=1)
    scored = score_unit(framework, "U1", result.node_inputs("U1"))
    assert scored.nodes["S1"].points == Decimal("4.444")
    assert scored.nodes["S2"].points == Decimal(0)
    provenance = result.provenance("U1")["S1"]
    assert provenance["n"] == 3
    assert provenance["source"] == "survey"
    assert provenance["rate_percent"] == "44.44"


def test_without_a_framework_only_rates_are_estimated() -> None:
    result = _score(HAND_ROWS, min_sample=1)
    unit = result.unit("U1")
    assert unit.points is None
    assert unit.nodes["S1"].rate == Decimal("44.44")
    assert unit.nodes["S1"].points is None


def test_a_question_mapped_to_a_self_assessed_node_is_refused() -> None:
    form = small_form()
    questions = tuple(
        dataclasses.replace(q, node="M1") if q.name == "q1" else q for q in form.questions
    )
    data = form_data(dataclasses.replace(form, questions=questions), HAND_ROWS)
    with pytest.raises(SurveyError) as caught:
        score_survey([(data, np.ones(3, dtype=bool))], small_framework())
    assert "«M1» có nguồn điểm «self», không phải «survey»" in str(caught.value)


@pytest.mark.parametrize("rule_kind", ["ratio", "bands", "manual"])
def test_the_simulated_rule_gives_the_engines_points(rule_kind: str) -> None:
    framework = small_framework("manual" if rule_kind == "manual" else "bands")
    code = "S1" if rule_kind == "ratio" else "S2"
    rule = framework.nodes[code].rule
    assert rule is not None
    grid = np.round(np.linspace(0, 100, 1001), 2)
    simulated = simulate_rule(rule, grid)
    official = [float(official_points(rule, Decimal(str(p)))[0]) for p in grid]
    np.testing.assert_allclose(simulated, official, atol=1e-9)


def _simulation_data(units: int, seed: int) -> FormData:
    """`units` units, each with 60 «dan» and 40 «dn» answers from one known population."""
    form = small_form()
    text_unit = tuple(
        dataclasses.replace(q, type="text") if q.name == "unit" else q for q in form.questions
    )
    form = dataclasses.replace(form, questions=text_unit)
    rng = np.random.default_rng(seed)
    size = units * 100
    probabilities = [0.1, 0.1, 0.2, 0.3, 0.3]  # shares 0, .25, .5, .75, 1 → mean 0,65
    columns = {
        "info/unit": pa.array([f"U{i:03d}" for i in np.repeat(np.arange(units), 100)]),
        "info/group": pa.array(np.tile(["dan"] * 60 + ["dn"] * 40, units)),
    }
    for name in SCALE_QUESTIONS:
        columns[name] = pa.array(
            np.array(["1", "2", "3", "4", "5"])[rng.choice(5, size, p=probabilities)]
        )
    raw = RawResponses("sim", tuple(columns), columns, np.arange(2, size + 2))
    imported = parse_responses(form, raw, salt=SALT)
    return FormData.from_table(form, imported.table)


@pytest.mark.parametrize(
    ("method", "units", "resamples"), [("normal", 300, 1000), ("bootstrap", 150, 500)]
)
def test_the_95_percent_interval_covers_the_true_points_about_95_percent_of_the_time(
    method: str, units: int, resamples: int
) -> None:
    data = _simulation_data(units, seed=7)
    framework = small_framework("manual")
    result = score_survey(
        [(data, np.ones(data.size, dtype=bool))],
        framework,
        ScoringOptions(method=method, resamples=resamples, seed=11),
    )
    true_points = 10 * 0.65 + 5 * 0.65  # ratio S1 and manual S2, both linear in the rate
    covered = [
        float(unit.points_low) <= true_points <= float(unit.points_high)  # type: ignore[arg-type]
        for unit in result.units
    ]
    coverage = sum(covered) / len(covered)
    assert 0.91 <= coverage <= 0.985, coverage
    rates = [unit.nodes["S1"] for unit in result.units]
    rate_coverage = np.mean([float(n.rate_low) <= 65 <= float(n.rate_high) for n in rates])  # type: ignore[arg-type]
    assert 0.91 <= rate_coverage <= 0.985, rate_coverage


def test_a_census_of_the_population_has_no_sampling_error() -> None:
    data = _simulation_data(3, seed=3)
    populations = {
        (f"U{i:03d}", group): count for i in range(3) for group, count in (("dan", 60), ("dn", 40))
    }
    result = score_survey(
        [(data, np.ones(data.size, dtype=bool))],
        small_framework("manual"),
        ScoringOptions(populations=populations, resamples=200),
    )
    for unit in result.units:
        assert unit.points_low == unit.points_high
        assert unit.nodes["S1"].rate_low == unit.nodes["S1"].rate_high


def test_excluded_responses_do_not_count() -> None:
    data = form_data(small_form(), HAND_ROWS)
    keep = np.array([True, True, False])  # leave out the «dn» respondent
    result = score_survey([(data, keep)], small_framework(), ScoringOptions(min_sample=1))
    unit = result.unit("U1")
    assert unit.nodes["S1"].rate == Decimal("66.67")
    assert unit.responses == 2
    assert "missing_group" in [flag.code for flag in unit.flags]


def test_close_units_are_flagged_and_distant_ones_are_not() -> None:
    rows = []
    for index in range(40):
        rows.append(row("U1", "dan", "555555", uuid=f"a{index}", device=f"a{index}"))
        rows.append(
            row(
                "U2",
                "dan",
                "555554" if index % 2 else "555545",
                uuid=f"b{index}",
                device=f"b{index}",
            )
        )
        rows.append(
            row(
                "U3",
                "dan",
                "222222" if index % 2 else "232323",
                uuid=f"c{index}",
                device=f"c{index}",
            )
        )
    result = _score(rows, small_framework(), resamples=500)
    flags = {unit.unit: {flag.code for flag in unit.flags} for unit in result.units}
    assert [unit.unit for unit in result.units] == ["U1", "U2", "U3"]
    assert "rank_overlap" in flags["U1"]  # 15 points against 14,9: indistinguishable
    assert "rank_overlap" not in flags["U3"]  # far below U2
    assert "missing_group" in flags["U3"]  # no «dn» answers anywhere
