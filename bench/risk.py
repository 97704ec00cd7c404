#!/usr/bin/python3
"""CMS-HCC V24 scoring: ncm (C) against a plain Python implementation, side by side in one run.

usage: /usr/bin/python3 bench/risk.py [--bench build/bench/bench_risk] [--tables ../shared/data/cms-hcc]
                                      [--people 1000000] [--subsample 20000]

The C program generates the population (1,000,000 people, on average 6 codes sampled from dx_to_cc.csv),
scores it with ncm (best of 5, thread CPU time, one core) and writes the first SUBSAMPLE people and their C scores to CSV.
The Python baseline below follows the README steps of the CMS tables the way an analyst would write them
(csv module, dicts and sets). It is timed on the subsample only (scoring, not loading; best of 3, process CPU time) and the time is
scaled linearly to the full population; both timings and the ratio are printed. The baseline's scores are
checked against the C scores of the same people.
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def load_model(tables, version="V24"):
    """Read the CMS tables into dicts and sets (README steps 1, 3, 5, 6)."""
    dx_to_cc = defaultdict(set)
    with open(os.path.join(tables, "dx_to_cc.csv"), newline="") as f:
        for row in csv.DictReader(f):
            if row["model_name"] == "CMS-HCC Model " + version:
                dx_to_cc[row["diagnosis_code"]].add("HCC" + row["cc"])
    children = defaultdict(set)
    with open(os.path.join(tables, "hierarchies.csv"), newline="") as f:
        for row in csv.DictReader(f):
            if row["model_version"] == version and row["model_domain"] == "CMS-HCC":
                children["HCC" + row["cc_parent"]].add("HCC" + row["cc_child"])
    coef = {}
    with open(os.path.join(tables, "coefficients.csv"), newline="") as f:
        for row in csv.DictReader(f):
            if row["model_version"] == "C" + version[1:]:
                coef[row["coefficient"]] = float(row["value"])
    # the SAS software shortened two INS names
    for short, full in (("ART_OPENINGS_PRESS_ULCER", "ART_OPENINGS_PRESSURE_ULCER"),
                        ("ASP_SPEC_B_PNEUM_PRES_ULC", "ASP_SPEC_BACT_PNEUM_PRES_ULC")):
        if "INS_" + short in coef:
            coef["INS_" + full] = coef["INS_" + short]
    groups, interactions = {}, {}
    with open(os.path.join(tables, "interactions.csv"), newline="") as f:
        rows = csv.reader(f)
        next(rows)
        for row in rows:
            if row[0] != version:
                continue
            if row[1] == "group":
                groups[row[2]] = set(row[3].split())
            elif row[1] == "interaction":
                interactions[row[2]] = row[3].split()
    # demographic cells per segment: (sex, low, high, name) from names like CNA_F70_74, CNA_M95_GT
    cells = defaultdict(list)
    for name in coef:
        seg, _, rest = name.partition("_")
        if seg in ("NE", "SNPNE"):
            continue
        if rest[:1] in ("F", "M") and rest[1:2].isdigit():
            band = rest[1:].split("_")
            low = int(band[0])
            high = 200 if len(band) > 1 and band[1] == "GT" else int(band[-1])
            cells[seg].append((rest[0], low, high, rest))
    return dx_to_cc, children, coef, groups, interactions, cells


def ne_band(age):
    if age <= 34:
        return "0_34"
    for lo, hi in ((35, 44), (45, 54), (55, 59), (60, 64)):
        if lo <= age <= hi:
            return "%d_%d" % (lo, hi)
    if age <= 69:
        return str(age)
    for lo in (70, 75, 80, 85, 90):
        if age <= lo + 4:
            return "%d_%d" % (lo, lo + 4)
    return "95_GT"


def score_person(model, age, sex, seg, orec, medicaid, codes):
    dx_to_cc, children, coef, groups, interactions, cells = model
    disabled = age < 65 and orec != 0
    origds = orec in (1, 3) and not disabled
    if seg == "NE":
        name = "NE_%s_%s_NE%s%s" % ("MCAID" if medicaid else "NMCAID", "ORIGDIS" if origds else "NORIGDIS", sex,
                                    ne_band(age))
        return coef.get(name, 0.0)
    # step 1 and 2: map codes with the V24 age/sex edits
    cats = set()
    for code in codes:
        code = code.upper().replace(".", "").replace(" ", "")
        if code not in dx_to_cc:
            continue  # unknown
        if sex == "F" and code in ("D66", "D67"):
            cats.add("HCC48")
        elif age < 18 and code in ("J410", "J411", "J418", "J42", "J430", "J431", "J432", "J438", "J439", "J440",
                                   "J441", "J449", "J982", "J983"):
            cats.add("HCC112")
        elif code == "F3481" and (age < 6 or age > 18):
            pass
        else:
            cats |= dx_to_cc[code]
    # step 3: hierarchies
    drop = set()
    for c in cats:
        drop |= children.get(c, set())
    cats -= drop
    # step 6: demographic cell, originally disabled, Medicaid institutional
    score = 0.0
    for s, lo, hi, name in cells[seg]:
        if s == sex and lo <= age <= hi:
            score += coef[seg + "_" + name]
    if origds:
        score += coef.get(seg + "_OriginallyDisabled_" + ("Female" if sex == "F" else "Male"), 0.0)
        score += coef.get(seg + "_ORIGDS", 0.0)
    if seg == "INS" and medicaid:
        score += coef.get("INS_LTIMCAID", 0.0)
    for c in cats:
        score += coef.get(seg + "_" + c, 0.0)
    # step 5: groups, interactions and the count term
    present = set(cats)
    for g, members in groups.items():
        if members & cats:
            present.add(g)
    if disabled:
        present.add("DISABLED")
    for name, members in interactions.items():
        if all(m in present for m in members):
            score += coef.get(seg + "_" + name, 0.0)
    if cats:
        n = len(cats)
        score += coef.get(seg + ("_D%d" % n if n < 10 else "_D10P"), 0.0)
    return score


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", default=os.path.join(ROOT, "build", "bench", "bench_risk"))
    ap.add_argument("--tables", default=os.path.join(os.path.dirname(ROOT), "shared", "data", "cms-hcc"))
    ap.add_argument("--people", type=int, default=1000000)
    ap.add_argument("--subsample", type=int, default=20000)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        prefix = os.path.join(tmp, "sub")
        out = subprocess.run([a.bench, a.tables, str(a.people), prefix, str(a.subsample)], check=True,
                             capture_output=True, text=True).stdout
        c = dict(line.split("=", 1) for line in out.split())
        people = []
        with open(prefix + "_people.csv", newline="") as f:
            for row in csv.DictReader(f):
                people.append((row["person_id"], int(row["age"]), row["sex"], row["segment"], int(row["orec"]),
                               int(row["medicaid"])))
        codes = defaultdict(list)
        with open(prefix + "_diagnoses.csv", newline="") as f:
            for row in csv.DictReader(f):
                codes[row["person_id"]].append(row["code"])
        with open(prefix + "_scores.csv", newline="") as f:
            cscore = {row["person_id"]: float(row["raw_score"]) for row in csv.DictReader(f)}
        model = load_model(a.tables)
        best = None
        for _ in range(3):  # best of 3, CPU time of this process (the machine may be shared)
            t0 = time.process_time()
            py = {pid: score_person(model, age, sex, seg, orec, mc, codes[pid]) for pid, age, sex, seg, orec, mc in people}
            t1 = time.process_time()
            best = t1 - t0 if best is None else min(best, t1 - t0)
        t0, t1 = 0.0, best
    worst = max(abs(py[p] - cscore[p]) for p in py)
    n = int(c["people"])
    py_full = (t1 - t0) * n / len(people)
    c_sec = float(c["c_seconds_with_terms"])
    print("CMS-HCC V24, %d people, %s diagnosis codes (%s unknown to V24), one core" % (n, c["codes"],
                                                                                       c["unknown_codes"]))
    print("ncm (C), scores + terms + unknown-code report: %.3f s  (%.0f people/s)" % (c_sec, n / c_sec))
    print("ncm (C), scores only:                          %.3f s  (%.0f people/s)" % (
        float(c["c_seconds_scores_only"]), float(c["c_people_per_second_scores_only"])))
    print("plain Python (dicts and sets): %.3f s for a subsample of %d people, scaled x%.0f to %.1f s"
          % (t1 - t0, len(people), n / len(people), py_full))
    print("ratio (Python / C with terms): %.0fx" % (py_full / c_sec))
    print("ratio (Python / C scores only, the same steps as the baseline): %.0fx" % (py_full / float(c["c_seconds_scores_only"])))
    print("largest |Python - C| raw-score difference on the subsample: %.3g" % worst)
    if worst > 1e-9:
        print("MISMATCH between the baseline and ncm", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
