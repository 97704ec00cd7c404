"""A UnitingCare-style 5-year older people's contract (Cambridgeshire and Peterborough, 2015), from Python.

Year-of-care capitation with an outcome pot of 15% of value from year 3 (carved out of the capitation,
earned at an outcome score of 0.8), 10m of transformation funding in years 1-2 and VAT borne by the
provider (illustrative: 20% on 5% of the payments). The same contract is settled at the winning bid
(726m over five years) and at the commissioner's cap (752m) against one cost path, and the table shows
the year-by-year gap between the provider's income and its cost (as examples/c/unitingcare.c).

Run from the repository root after building:
    PYTHONPATH=build/python /usr/bin/python3 examples/python/unitingcare_contract.py [bid.json cap.json]

Expected output:
    contract value over five years: bid 726,000,000.00, cap 752,000,000.00

    Ledger at the bid:
       1  year-of-care capitation   capitation 100% of the year's value                           -> UnitingCare Partnership    140,000,000.00
       1  transformation            transformation funding                                        -> UnitingCare Partnership      5,000,000.00
       1  VAT                       VAT 20% on "year-of-care capitation" borne by the provider    -> HMRC                         1,400,000.00
       2  year-of-care capitation   capitation 100% of the year's value                           -> UnitingCare Partnership    143,000,000.00
       2  transformation            transformation funding                                        -> UnitingCare Partnership      5,000,000.00
       2  VAT                       VAT 20% on "year-of-care capitation" borne by the provider    -> HMRC                         1,430,000.00
       3  year-of-care capitation   capitation 100% of the year's value less the outcome pot      -> UnitingCare Partnership    123,250,000.00
       3  transformation            transformation funding                                        -> UnitingCare Partnership              0.00
       3  outcome payments          outcome pot 15% of value earned at score 0.8                  -> UnitingCare Partnership     17,400,000.00
       3  VAT                       VAT 20% on "year-of-care capitation" borne by the provider    -> HMRC                         1,232,500.00
       3  VAT                       VAT 20% on "outcome payments" borne by the provider           -> HMRC                           174,000.00
       4  year-of-care capitation   capitation 100% of the year's value less the outcome pot      -> UnitingCare Partnership    125,800,000.00
       4  transformation            transformation funding                                        -> UnitingCare Partnership              0.00
       4  outcome payments          outcome pot 15% of value earned at score 0.8                  -> UnitingCare Partnership     17,760,000.00
       4  VAT                       VAT 20% on "year-of-care capitation" borne by the provider    -> HMRC                         1,258,000.00
       4  VAT                       VAT 20% on "outcome payments" borne by the provider           -> HMRC                           177,600.00
       5  year-of-care capitation   capitation 100% of the year's value less the outcome pot      -> UnitingCare Partnership    127,500,000.00
       5  transformation            transformation funding                                        -> UnitingCare Partnership              0.00
       5  outcome payments          outcome pot 15% of value earned at score 0.8                  -> UnitingCare Partnership     18,000,000.00
       5  VAT                       VAT 20% on "year-of-care capitation" borne by the provider    -> HMRC                         1,275,000.00
       5  VAT                       VAT 20% on "outcome payments" borne by the provider           -> HMRC                           180,000.00

    year               cost    income at bid       gap at bid    income at cap       gap at cap
    1        150,000,000.00   143,600,000.00    -6,400,000.00   148,550,000.00    -1,450,000.00
    2        153,000,000.00   146,570,000.00    -6,430,000.00   151,520,000.00    -1,480,000.00
    3        151,000,000.00   139,243,500.00   -11,756,500.00   145,005,300.00    -5,994,700.00
    4        153,000,000.00   142,124,400.00   -10,875,600.00   146,925,900.00    -6,074,100.00
    5        155,000,000.00   144,045,000.00   -10,955,000.00   148,846,500.00    -6,153,500.00
    total    762,000,000.00   715,582,900.00   -46,417,100.00   740,847,700.00   -21,152,300.00
"""

import sys

import pandas as pd

import ncm

PROVIDER = "UnitingCare Partnership"
COSTS = ["150000000.00", "153000000.00", "151000000.00", "153000000.00", "155000000.00"]


def money(d):
    return "{:,.2f}".format(d)


def settle(path):
    contract = ncm.Contract.from_json(path)
    actuals = pd.DataFrame({"year": range(1, 6), "party": PROVIDER, "cost": COSTS})
    outcomes = {3: 0.8, 4: 0.8, 5: 0.8}
    return contract, contract.settle(actuals, outcomes=outcomes)


def main(argv):
    bid_path = argv[1] if len(argv) > 2 else "examples/contracts/unitingcare_bid.json"
    cap_path = argv[2] if len(argv) > 2 else "examples/contracts/unitingcare_cap.json"
    bid, at_bid = settle(bid_path)
    cap, at_cap = settle(cap_path)
    print("contract value over five years: bid %s, cap %s" % (money(sum(bid.values())), money(sum(cap.values()))))
    print()
    print("Ledger at the bid:")
    for r in at_bid.to_pandas().itertuples():
        print("%4d  %-24s  %-60s  -> %-24s %16s" % (r.year, r.component, r.what, r.payee, money(r.amount)))
    b = at_bid.by_party().query("party == @PROVIDER").set_index("year")
    c = at_cap.by_party().query("party == @PROVIDER").set_index("year")
    print()
    print("%-6s %16s %16s %16s %16s %16s" % ("year", "cost", "income at bid", "gap at bid", "income at cap",
                                             "gap at cap"))
    for y in b.index:
        print("%-6s %16s %16s %16s %16s %16s" % (y, money(b.loc[y, "cost"]), money(b.loc[y, "net"]),
                                                 money(b.loc[y, "result"]), money(c.loc[y, "net"]),
                                                 money(c.loc[y, "result"])))
    tb = at_bid.totals().set_index("party").loc[PROVIDER]
    tc = at_cap.totals().set_index("party").loc[PROVIDER]
    print("%-6s %16s %16s %16s %16s %16s" % ("total", money(tb["cost"]), money(tb["net"]), money(tb["result"]),
                                             money(tc["net"]), money(tc["result"])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
