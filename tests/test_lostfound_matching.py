"""Matching found items to lost reports: each part of the score, and the ranking's quality.

The quality figures come from tests/data/lost_and_found_pairs.json: lost reports written with
their true found item (misspellings, synonyms, colour words, a brand on one side only) among
decoys of the same category and colour. `pytest -s` prints them.
"""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from fieldops.lostfound import matching, vocabulary
from fieldops.lostfound.matching import (
    WEIGHTS,
    Described,
    colour_family,
    compare,
    distance_part,
    meaning_of,
    rank,
    read,
    time_part,
    word_form,
)

PAIRS = json.loads((Path(__file__).parent / "data" / "lost_and_found_pairs.json").read_text())
NOON = datetime(2026, 11, 1, 17, 0, tzinfo=UTC)


def record(side, id=1, **fields):
    base = dict(
        category="other",
        description="",
        colours=(),
        brand="",
        at=NOON,
        lat=None,
        lon=None,
    )
    base.update(fields)
    base["colours"] = tuple(base["colours"])
    return Described(id=id, side=side, **base)


def from_data(side, id, row):
    at = datetime.fromisoformat(row["at"].replace("Z", "+00:00"))
    return record(side, id, **{**row, "at": at})


def words(text):
    return {key for kind, key, _ in read(text) if kind == "word"}


def brands(text):
    return {key for kind, key, _ in read(text) if kind == "brand"}


# --- colours -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written, family",
    [
        ("grey", "grey"),
        ("gray", "grey"),
        ("Navy", "blue"),
        ("maroon", "red"),
        ("burgundy", "red"),
        ("beige", "beige"),
        ("tan", "beige"),
        ("khaki", "beige"),
        ("multi-coloured", "multi"),
        ("multicolored", "multi"),
        ("lilac", "purple"),
        ("transparent", "clear"),
    ],
)
def test_colour_words_fall_into_their_family(written, family):
    assert colour_family(written) == family


def test_a_shade_before_a_colour_is_only_the_colour():
    assert [(kind, key) for kind, key, _ in read("dark blue light grey")] == [
        ("colour", "blue"),
        ("colour", "grey"),
    ]


def test_navy_is_blue_and_burgundy_is_close_to_pink_but_not_blue():
    lost = record("lost", colours=("navy",))
    assert "colour: navy ≈ blue" in compare(lost, record("found", colours=("blue",))).reasons
    part = matching.colour_part({"red": "burgundy"}, {"pink": "pink"})
    assert part.points == WEIGHTS["colour"] / 2 and "close" in part.reason
    against = matching.colour_part({"red": "burgundy"}, {"blue": "blue"})
    assert against.points < 0 and against.reason == "colour differs: burgundy vs blue"


def test_no_colour_on_one_side_is_neutral():
    assert matching.colour_part({}, {"red": "red"}) == matching.Part(0.0, None)


# --- synonyms, word forms, brands ---------------------------------------------------------------


@pytest.mark.parametrize(
    "one, other",
    [
        ("phone", "mobile"),
        ("phone", "cell"),
        ("phone", "iPhone"),
        ("purse", "handbag"),
        ("backpack", "rucksack"),
        ("spectacles", "glasses"),
        ("jacket", "coat"),
        ("fanny pack", "bum bag"),
        ("stuffed rabbit", "toy bunny"),
        ("keys", "key"),
        ("cracked", "crack"),
    ],
)
def test_synonyms_and_word_forms_read_as_one_word(one, other):
    assert words(one) == words(other)


@pytest.mark.parametrize(
    "written, brand, item",
    [
        ("iPhone", "apple", "phone"),
        ("Galaxy", "samsung", "phone"),
        ("AirPods", "apple", "earbud"),
        ("Pixel 7", "google", "phone"),
    ],
)
def test_a_product_name_says_the_brand_and_the_thing(written, brand, item):
    assert brand in brands(written)
    assert item in words(written)


@pytest.mark.parametrize(
    "misspelt, meant",
    [("samsnug", ("brand", "Samsung")), ("iphne", ("product", "iphone"))],
)
def test_a_misspelt_vocabulary_word_is_recognised(misspelt, meant):
    assert meaning_of(misspelt) == meant


def test_a_short_word_is_not_taken_for_a_near_spelling():
    assert meaning_of("back") is None  # not "black"
    assert word_form("twenties") == "twenty" and word_form("glasses") == "glasses"


def test_a_brand_named_only_in_the_other_description_counts():
    lost = record("lost", description="backpack", brand="Osprey")
    found = record("found", description="backpack with osprey logo")
    assert "brand: osprey" in " ".join(compare(lost, found).reasons).lower()
    unknown = record("lost", description="belt bag", brand="Acmebags")
    found = record("found", description="belt bag, acmebags logo")
    assert any(r.startswith("brand: Acmebags") for r in compare(unknown, found).reasons)


def test_two_different_brands_take_points_off():
    lost = record("lost", category="phone", description="phone", brand="Apple")
    same = record("found", category="phone", description="iPhone")
    other = record("found", category="phone", description="Samsung phone")
    assert "brand: Apple ≈ iPhone" in compare(lost, same).reasons
    assert "brand differs: Apple vs Samsung" in compare(lost, other).reasons
    assert compare(lost, same).score > compare(lost, other).score


def test_the_vocabulary_gives_each_word_one_meaning():
    seen = {}
    tables = {"item": vocabulary.ITEMS, "colour": vocabulary.COLOURS}
    for name, table in tables.items():
        for key, written in table.items():
            for word in written:
                assert word not in seen, f"{word!r} is in {seen.get(word)} and {name}:{key}"
                seen[word] = f"{name}:{key}"
    for word in [*vocabulary.PRODUCTS, *(w for ws in vocabulary.BRANDS.values() for w in ws)]:
        assert word not in seen, f"brand or product {word!r} is also {seen[word]}"
    for brand, _item in vocabulary.PRODUCTS.values():
        assert brand in vocabulary.BRANDS


# --- categories --------------------------------------------------------------------------------


def test_a_near_category_counts_less_than_the_same_and_more_than_another():
    same = matching.category_part("phone", "phone")
    near = matching.category_part("phone", "electronics")
    unsure = matching.category_part("phone", "other")
    unlike = matching.category_part("phone", "keys")
    assert same.points > near.points > unsure.points > 0 > unlike.points
    assert near.reason == "near category (phone ~ electronics)"
    assert matching.category_part("wallet_purse", "bag").points == near.points


# --- time order --------------------------------------------------------------------------------


def test_an_item_found_before_it_was_lost_is_not_suggested():
    lost = record("lost", category="phone", description="black Pixel", at=NOON)
    found = replace(lost, side="found", id=2, at=NOON - timedelta(hours=3))
    assert compare(lost, found) is None
    assert rank(lost, [found]) == []


def test_a_find_just_before_a_guessed_last_seen_time_is_kept_without_credit():
    part = time_part(NOON, NOON - timedelta(minutes=10))
    assert (
        part.points == 0 and part.reason == "found 10 min before it was last seen (within a guess)"
    )


def test_hours_apart_weaken_a_match_a_little():
    soon = time_part(NOON, NOON + timedelta(minutes=40))
    late = time_part(NOON, NOON + timedelta(hours=6))
    assert soon.reason == "found 40 min after it was lost" and soon.points == WEIGHTS["time"]
    assert 0 < late.points < soon.points and late.reason == "found 6 h after it was lost"


# --- distance ----------------------------------------------------------------------------------


def test_unknown_positions_are_neutral():
    lost = record("lost", lat=40.77, lon=-73.97)
    assert distance_part(lost, record("found")) == matching.Part(0.0, None)


def test_near_is_better_than_far():
    lost = record("lost", lat=40.7700, lon=-73.9700)
    near = record("found", lat=40.7727, lon=-73.9700)  # 300 m north
    far = record("found", lat=40.7970, lon=-73.9700)  # 3 km north
    assert distance_part(lost, near).reason == "found 300 m from where it was last seen"
    assert distance_part(lost, far).reason == "found 3.0 km from where it was last seen"
    assert distance_part(lost, near).points > distance_part(lost, far).points > 0


# --- ranking and reasons -----------------------------------------------------------------------


def test_every_part_that_moves_the_score_says_why():
    for pair in PAIRS["pairs"]:
        lost = from_data("lost", 1, pair["lost"])
        found = from_data("found", 2, pair["found"])
        lp, fp = matching.profile(lost), matching.profile(found)
        parts = [
            matching.category_part(lost.category, found.category),
            matching.description_part(lp.words, fp.words),
            matching.brand_part(lp, fp),
            matching.colour_part(lp.colours, fp.colours),
            time_part(lost.at, found.at),
            distance_part(lost, found),
        ]
        assert all(part.reason for part in parts if part.points), pair["case"]
        assert compare(lost, found).reasons == tuple(p.reason for p in parts if p.reason)


def test_rank_returns_the_other_side_best_first_above_the_floor():
    found = record("found", id=7, category="phone", description="Samsung phone, cracked screen")
    lost = [
        record("lost", id=1, category="phone", description="samsnug galaxy with cracked screen"),
        record("lost", id=2, category="phone", description="phone"),
        record("lost", id=3, category="keys", description="house keys", colours=("red",)),
        record("found", id=4, category="phone", description="Samsung phone, cracked screen"),
    ]
    suggestions = rank(found, lost)
    assert [(s.found_id, s.lost_id) for s in suggestions] == [(7, 1), (7, 2)]
    assert suggestions[0].score > suggestions[1].score >= matching.FLOOR
    assert suggestions[0].reasons[:3] == (  # the lost report's words first
        "same category (phone)",
        "description: galaxy ≈ phone, cracked, screen",
        "brand: samsnug ≈ Samsung",
    )
    assert len(rank(found, lost, limit=1)) == 1


# --- quality on the written pairs ---------------------------------------------------------------


def data_set():
    pairs = PAIRS["pairs"]
    lost = [from_data("lost", i + 1, p["lost"]) for i, p in enumerate(pairs)]
    found = [from_data("found", 1001 + i, p["found"]) for i, p in enumerate(pairs)]
    found_decoys = [from_data("found", 2001 + i, r) for i, r in enumerate(PAIRS["found_decoys"])]
    lost_decoys = [from_data("lost", 3001 + i, r) for i, r in enumerate(PAIRS["lost_decoys"])]
    return pairs, lost, found, found + found_decoys, lost + lost_decoys


def quality(subjects, truths, pool, other_id):
    first = top3 = 0
    misses = []
    for subject, truth, case in zip(
        subjects, truths, [p["case"] for p in PAIRS["pairs"]], strict=True
    ):
        ranked = [other_id(s) for s in rank(subject, pool, limit=3)]
        first += ranked[:1] == [truth.id]
        top3 += truth.id in ranked
        if ranked[:1] != [truth.id]:
            misses.append(f"{case}: ranked {ranked}, true {truth.id}")
    n = len(subjects)
    return first / n, top3 / n, misses


def test_the_data_set_is_big_enough_and_every_pair_is_in_time_order():
    pairs, lost, found, all_found, all_lost = data_set()
    assert len(pairs) >= 40
    assert len(all_found) - len(found) >= 40 and len(all_lost) > len(lost)
    assert all(f.at >= lost_.at for lost_, f in zip(lost, found, strict=True))
    for decoy in all_found[len(found) :]:  # each decoy shares a category with some true item
        assert decoy.category in {f.category for f in found}


def test_lost_reports_find_their_item_first():
    pairs, lost, found, all_found, _ = data_set()
    first, top3, misses = quality(lost, found, all_found, lambda s: s.found_id)
    figures = (
        f"lost → found: {first:.0%} first, {top3:.0%} in the top 3 "
        f"({len(lost)} lost reports against {len(all_found)} found items)"
    )
    print("\n" + figures, *misses, sep="\n  ")
    assert first >= 0.95 and top3 == 1.0, f"{figures}; misses: {misses}"


def test_found_items_find_their_lost_report_first():
    pairs, lost, found, _, all_lost = data_set()
    first, top3, misses = quality(found, lost, all_lost, lambda s: s.lost_id)
    figures = (
        f"found → lost: {first:.0%} first, {top3:.0%} in the top 3 "
        f"({len(found)} found items against {len(all_lost)} lost reports)"
    )
    print("\n" + figures, *misses, sep="\n  ")
    assert first >= 0.95 and top3 == 1.0, f"{figures}; misses: {misses}"


def test_benchmark_one_record_against_a_thousand_candidates():
    """docs/performance.md quotes this (run with -s -k benchmark to see the figures)."""
    _, lost, _, all_found, _ = data_set()
    candidates = [  # distinct records, so that none is read from the cache
        replace(row, id=10_000 + i, description=f"{row.description} {i}")
        for i, row in enumerate((all_found * 20)[:1000])
    ]
    matching.profile.cache_clear()
    matching._meaning_of.cache_clear()
    start = time.perf_counter()
    rank(lost[0], candidates)
    cold = time.perf_counter() - start
    start = time.perf_counter()
    for subject in lost[:10]:
        rank(subject, candidates)
    warm = (time.perf_counter() - start) / 10
    print(
        f"\nrank one record against 1,000 candidates: {cold * 1000:.0f} ms cold, "
        f"{warm * 1000:.0f} ms with the candidates already read"
    )
    assert cold < 2.0 and warm < 1.0
