"""Time and memory of computing every participant's suggestions of whom to meet, beside scoring every pair.

    .venv/bin/python bench/suggestions.py [--requests 4000] [--limit 20] [--repeat 3] [--seed 0]

No database: it builds profiles shaped like the expo of ``matchmaking.instances.expo_instance``
(at 4,000 requests: 174 exhibitors, 800 buyers, one in five exhibitors also taking part with a
matchmaking profile) and takes that instance's requests as the pairs already asked, which are
never suggested. Exhibitors belong to one of 14 clusters, list 2–6 products (a third in Urdu in
a buyer's profile, one in three with an HS code) and 0–4 export markets; buyers source from one
or two clusters, name 1–4 products, give an HS code half the time, come from one of a dozen
countries (a fifth from Pakistan) and state a volume.

``suggest.suggest`` looks only at the pairs that share a cluster, sector, product word or HS
chapter (an inverted index). The baseline, measured in the same run on the same data, scores
every pair with the same scoring function and keeps the same top ``--limit``: the verdict is the
ratio of the two, and the script checks that both give the same suggestions. Times are the best
of ``--repeat`` runs (wall and CPU seconds); peak memory is what tracemalloc saw allocated during
a separate run.
"""

import argparse
import random
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matchmaking import suggest  # noqa: E402
from matchmaking.instances import expo_instance  # noqa: E402

CLUSTERS = {
    "Surgical instruments": (["surgical instruments", "scissors", "forceps", "scalpels", "dental instruments"], "9018"),
    "Sports goods": (["footballs", "cricket bats", "boxing gloves", "hockey sticks"], "9506"),
    "Leather": (["leather jackets", "leather gloves", "saddlery", "leather bags"], "4203"),
    "Textiles": (["bed linen", "towels", "denim fabric", "cotton yarn"], "6302"),
    "Cutlery": (["cutlery", "kitchen knives", "scissors"], "8211"),
    "Furniture": (["wooden furniture", "chairs", "tables", "carved doors"], "9403"),
    "Rice": (["basmati rice", "rice"], "1006"),
    "Fruit": (["mangoes", "kinnow", "dates"], "0804"),
    "Carpets": (["hand-knotted carpets", "rugs"], "5701"),
    "Marble": (["marble tiles", "onyx handicrafts"], "6802"),
    "Fans": (["ceiling fans", "pedestal fans"], "8414"),
    "Pottery": (["blue pottery", "ceramic tableware"], "6912"),
    "Musical instruments": (["harmoniums", "tabla", "bagpipes"], "9207"),
    "Gemstones": (["gemstones", "jewellery"], "7103"),
}
URDU = {"surgical instruments": "جراحی آلات", "rice": "چاول", "mangoes": "آم", "cutlery": "کٹلری"}
COUNTRIES = ["KE", "AZ", "MY", "AE", "SA", "DE", "GB", "US", "CN", "TR", "UG", "PK"]
SIZES = ["micro", "small", "small", "medium", "large"]
VOLUMES = ["2,000 pieces a month", "USD 50,000 a year", "USD 250k per order", "PKR 5 crore", "EUR 1.5 million"]


def build(requests: int, seed: int):
    """Profiles shaped like ``expo_instance(requests)``, the pairs its requests ask, and the catalogue."""
    rng = random.Random(seed)
    instance = expo_instance(requests, seed=seed)
    names = list(CLUSTERS)
    catalogue = suggest.Catalogue(
        clusters={n: suggest.Name(f"{name}, cluster {n}") for n, name in enumerate(names)},
        cluster_sector={n: n for n in range(len(names))},
        sectors={n: suggest.Name(name) for n, name in enumerate(names)},
    )
    exhibitors = [p.id for p in instance.participants if p.id.startswith("E")]
    buyers = [p.id for p in instance.participants if p.id.startswith("B")]
    keys = {}
    profiles = []
    for n, name in enumerate(exhibitors):
        cluster = rng.randrange(len(names))
        products, heading = CLUSTERS[names[cluster]]
        listed = rng.sample(products, min(len(products), rng.randint(2, 6)))
        keys[name] = ("e", n + 1)
        profiles.append(
            suggest.Profile(
                key=keys[name],
                kind=suggest.EXHIBITOR,
                expo=1,
                participant=100_000 + n if rng.random() < 0.2 else None,
                country="PK",
                clusters=frozenset({cluster}),
                keywords=tuple(listed),
                hs_codes=tuple(f"{heading}.{rng.randint(10, 99)}" for _ in listed if rng.random() < 1 / 3),
                markets=tuple(rng.sample(COUNTRIES[:-1], rng.randint(0, 4))),
                size_class=rng.choice(SIZES),
                women_led=rng.random() < 0.15,
            )
        )
    for n, name in enumerate(buyers):
        clusters = rng.sample(range(len(names)), rng.choice((1, 1, 2)))
        wanted = [product for c in clusters for product in CLUSTERS[names[c]][0]]
        keywords = [
            URDU.get(k, k) if rng.random() < 1 / 3 else k
            for k in rng.sample(wanted, min(len(wanted), rng.randint(1, 4)))
        ]
        keys[name] = ("p", n + 1)
        profiles.append(
            suggest.Profile(
                key=keys[name],
                kind=suggest.VISITOR,
                expo=1,
                participant=n + 1,
                country=rng.choice(COUNTRIES),
                clusters=frozenset(clusters),
                keywords=(", ".join(keywords),),
                hs_codes=(CLUSTERS[names[clusters[0]]][1],) if rng.random() < 0.5 else (),
                markets=tuple(rng.sample(COUNTRIES, rng.randint(0, 2))),
                volume=rng.choice(VOLUMES),
            )
        )
    asked = [(keys[r.a], keys[r.b]) for r in instance.requests]
    return profiles, asked, catalogue


def every_pair(profiles, *, weights, catalogue, asked, limit):
    """The baseline: the same scoring on every pair, no index."""
    reader = suggest._Reader(catalogue)
    prepared = sorted((reader.prepare(p) for p in profiles), key=lambda p: p.profile.key)
    asked_pairs = {frozenset(pair) for pair in asked}
    result = {}
    for owner in prepared:
        o = owner.profile
        if o.participant is None:
            continue
        found = []
        for target in prepared:
            t = target.profile
            if t.key == o.key or (o.kind == t.kind == suggest.VISITOR) or frozenset((o.key, t.key)) in asked_pairs:
                continue
            scored = suggest._score_pair(owner, target, weights, catalogue)
            if scored is not None:
                found.append(suggest.Suggestion(target=t.key, score=scored[0], reasons=scored[1]))
        found.sort(key=lambda s: (-s.score, s.target))
        result[o.participant] = found[:limit]
    return result


def measure(function, repeat: int, **kwargs):
    best_wall = best_cpu = float("inf")
    result = None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function(**kwargs)
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    tracemalloc.start()
    function(**kwargs)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, best_wall, best_cpu, peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    profiles, asked, catalogue = build(args.requests, args.seed)
    common = {"weights": suggest.Weights(), "catalogue": catalogue, "asked": asked, "limit": args.limit}
    owners = sum(1 for p in profiles if p.participant is not None)
    found, wall, cpu, peak = measure(lambda **kw: suggest.suggest(profiles, **kw), args.repeat, **common)
    baseline, b_wall, b_cpu, b_peak = measure(lambda **kw: every_pair(profiles, **kw), args.repeat, **common)
    if found != baseline:
        sys.exit("The indexed suggestions differ from those of scoring every pair.")
    stored = sum(len(items) for items in found.values())
    print(
        f"{len(profiles)} profiles ({owners} with suggestions), {len(asked)} pairs asked, "
        f"{stored} suggestions stored (top {args.limit})"
    )
    print(f"{'':28} {'wall s':>8} {'CPU s':>8} {'peak MB':>8}")
    print(f"{'suggest (indexed)':28} {wall:8.2f} {cpu:8.2f} {peak:8.1f}")
    print(f"{'baseline: every pair':28} {b_wall:8.2f} {b_cpu:8.2f} {b_peak:8.1f}")
    print(f"ratio to the baseline (CPU): {cpu / b_cpu:.2f}")


if __name__ == "__main__":
    main()
