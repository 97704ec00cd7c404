"""An alliance of four providers sharing a system gain (year 1) and a system loss (year 2), from Python.

Each member keeps its own contract value (40/30/20/10% of 100m a year, paid up front as its budget).
The system result (budgets minus costs) is shared 50/50 with the commissioner and the members' half is
split by contract value; each member's own variance is pooled first (as examples/c/alliance.c).

Run from the repository root after building:
    PYTHONPATH=build/python /usr/bin/python3 examples/python/alliance.py [alliance.json]

Expected output:
    1  upfront     100% of the year's value                                               Commissioner -> Acute Trust               40,000,000.00
    1  upfront     100% of the year's value                                               Commissioner -> Community Trust           30,000,000.00
    1  upfront     100% of the year's value                                               Commissioner -> Mental Health Trust       20,000,000.00
    1  upfront     100% of the year's value                                               Commissioner -> GP Federation             10,000,000.00
    1  risk_pool   own surplus (budget less cost) paid into the pool                      Acute Trust -> Commissioner                2,000,000.00
    1  risk_pool   own surplus (budget less cost) paid into the pool                      Community Trust -> Commissioner            1,000,000.00
    1  risk_pool   own deficit (cost less budget) met from the pool                       Commissioner -> Mental Health Trust        1,000,000.00
    1  risk_pool   own surplus (budget less cost) paid into the pool                      GP Federation -> Commissioner              1,500,000.00
    1  risk_member split of the members' share of the system gain (weight 0.4)            Commissioner -> Acute Trust                  700,000.00
    1  risk_member split of the members' share of the system gain (weight 0.3)            Commissioner -> Community Trust              525,000.00
    1  risk_member split of the members' share of the system gain (weight 0.2)            Commissioner -> Mental Health Trust          350,000.00
    1  risk_member split of the members' share of the system gain (weight 0.1)            Commissioner -> GP Federation                175,000.00
    2  upfront     100% of the year's value                                               Commissioner -> Acute Trust               40,000,000.00
    2  upfront     100% of the year's value                                               Commissioner -> Community Trust           30,000,000.00
    2  upfront     100% of the year's value                                               Commissioner -> Mental Health Trust       20,000,000.00
    2  upfront     100% of the year's value                                               Commissioner -> GP Federation             10,000,000.00
    2  risk_pool   own deficit (cost less budget) met from the pool                       Commissioner -> Acute Trust                2,000,000.00
    2  risk_pool   own deficit (cost less budget) met from the pool                       Commissioner -> Community Trust            1,000,000.00
    2  risk_pool   own surplus (budget less cost) paid into the pool                      Mental Health Trust -> Commissioner        1,000,000.00
    2  risk_pool   own deficit (cost less budget) met from the pool                       Commissioner -> GP Federation              1,000,000.00
    2  risk_member split of the members' share of the system loss (weight 0.4)            Acute Trust -> Commissioner                  600,000.00
    2  risk_member split of the members' share of the system loss (weight 0.3)            Community Trust -> Commissioner              450,000.00
    2  risk_member split of the members' share of the system loss (weight 0.2)            Mental Health Trust -> Commissioner          300,000.00
    2  risk_member split of the members' share of the system loss (weight 0.1)            GP Federation -> Commissioner                150,000.00

    year 1: system variance 3,500,000.00: members 1,750,000.00, commissioner 1,750,000.00
      member                     net income             cost         result
      Acute Trust             38,700,000.00    38,000,000.00     700,000.00
      Community Trust         29,525,000.00    29,000,000.00     525,000.00
      Mental Health Trust     21,350,000.00    21,000,000.00     350,000.00
      GP Federation            8,675,000.00     8,500,000.00     175,000.00
      members together                                         1,750,000.00

    year 2: system variance -3,000,000.00: members -1,500,000.00, commissioner -1,500,000.00
      member                     net income             cost         result
      Acute Trust             41,400,000.00    42,000,000.00    -600,000.00
      Community Trust         30,550,000.00    31,000,000.00    -450,000.00
      Mental Health Trust     18,700,000.00    19,000,000.00    -300,000.00
      GP Federation           10,850,000.00    11,000,000.00    -150,000.00
      members together                                        -1,500,000.00
"""

import sys

import pandas as pd

import ncm

MEMBERS = ["Acute Trust", "Community Trust", "Mental Health Trust", "GP Federation"]


def money(d):
    return "{:,.2f}".format(d)


def main(argv):
    path = argv[1] if len(argv) > 1 else "examples/contracts/alliance_four.json"
    contract = ncm.Contract.from_json(path)
    costs = pd.DataFrame({
        "year": [1] * 4 + [2] * 4,
        "party": MEMBERS * 2,
        "cost": ["38000000.00", "29000000.00", "21000000.00", "8500000.00",
                 "42000000.00", "31000000.00", "19000000.00", "11000000.00"],
    })
    ledger = contract.settle(costs)
    for r in ledger.to_pandas().itertuples():
        print("%d  %-11s %-70s %-38s %16s" % (r.year, r.kind, r.what, "%s -> %s" % (r.payer, r.payee),
                                              money(r.amount)))
    by_party = ledger.by_party().set_index(["year", "party"])
    for year in ledger.years:
        r = ledger.risk(year)
        print()
        print("year %d: system variance %s: members %s, commissioner %s" % (
            year, money(r["variance"]), money(r["provider"]), money(r["commissioner"])))
        print("  %-20s %16s %16s %14s" % ("member", "net income", "cost", "result"))
        for m in MEMBERS:
            p = by_party.loc[(year, m)]
            print("  %-20s %16s %16s %14s" % (m, money(p["net"]), money(p["cost"]), money(p["result"])))
        total = sum(by_party.loc[(year, m), "result"] for m in MEMBERS)
        print("  %-20s %16s %16s %14s" % ("members together", "", "", money(total)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
