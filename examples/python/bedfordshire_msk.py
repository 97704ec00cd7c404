"""Bedfordshire MSK prime contract (Circle, 2014), settled from Python.

Year-1 budget 26.5m rising 1.3% a year; 95% paid up front, 2.5% management fee on top; the surplus on
the up-front payment is kept whole up to 5% of that payment and split 50/50 beyond; a deficit is borne
wholly by the prime. Cost path: 23.0m, 25.0m, 26.5m, 24.0m, 22.5m (as examples/c/bedfordshire_msk.c).

Run from the repository root after building:
    PYTHONPATH=build/python /usr/bin/python3 examples/python/bedfordshire_msk.py [contract.json]

Expected output:
    year  rule              kind                        payer -> payee            amount
       1  up-front payment  upfront         Bedfordshire CCG -> Circle     25,175,000.00
       1  management fee    management_fee  Bedfordshire CCG -> Circle        662,500.00
       1  risk/gain share   risk_share      Circle -> Bedfordshire CCG              0.00
       1  risk/gain share   risk_share      Circle -> Bedfordshire CCG        458,125.00
       2  up-front payment  upfront         Bedfordshire CCG -> Circle     25,502,275.00
       2  management fee    management_fee  Bedfordshire CCG -> Circle        671,112.50
       2  risk/gain share   risk_share      Circle -> Bedfordshire CCG              0.00
       3  up-front payment  upfront         Bedfordshire CCG -> Circle     25,833,804.58
       3  management fee    management_fee  Bedfordshire CCG -> Circle        679,836.96
       3  risk/gain share   risk_share      Circle -> Bedfordshire CCG              0.00
       4  up-front payment  upfront         Bedfordshire CCG -> Circle     26,169,644.03
       4  management fee    management_fee  Bedfordshire CCG -> Circle        688,674.84
       4  risk/gain share   risk_share      Circle -> Bedfordshire CCG              0.00
       4  risk/gain share   risk_share      Circle -> Bedfordshire CCG        430,580.91
       5  up-front payment  upfront         Bedfordshire CCG -> Circle     26,509,849.41
       5  management fee    management_fee  Bedfordshire CCG -> Circle        697,627.62
       5  risk/gain share   risk_share      Circle -> Bedfordshire CCG              0.00
       5  risk/gain share   risk_share      Circle -> Bedfordshire CCG      1,342,178.47

    year 1: surplus 2,175,000.00: provider keeps 1,716,875.00 of surplus and returns 458,125.00
    year 2: surplus 502,275.00: provider keeps 502,275.00 of surplus and returns 0.00
    year 3: deficit 666,195.42: provider bears 666,195.42 and the commissioner 0.00
    year 4: surplus 2,169,644.03: provider keeps 1,739,063.12 of surplus and returns 430,580.91
    year 5: surplus 4,009,849.41: provider keeps 2,667,670.94 of surplus and returns 1,342,178.47
    five years: Circle is paid 130,359,440.56 net for costs of 121,000,000.00: result 9,359,440.56
"""

import sys

import pandas as pd

import ncm


def money(d):
    return "{:,.2f}".format(d)  # exact: d is a decimal.Decimal


def main(argv):
    path = argv[1] if len(argv) > 1 else "examples/contracts/bedfordshire_msk.json"
    contract = ncm.Contract.from_json(path)
    actuals = pd.DataFrame({"year": [1, 2, 3, 4, 5],
                            "cost": ["23000000.00", "25000000.00", "26500000.00", "24000000.00", "22500000.00"]})
    ledger = contract.settle(actuals)

    lines = ledger.to_pandas()
    print("%-4s  %-16s  %-14s  %26s  %16s" % ("year", "rule", "kind", "payer -> payee", "amount"))
    for r in lines.itertuples():
        print("%4d  %-16s  %-14s  %26s  %16s" % (r.year, r.component, r.kind, "%s -> %s" % (r.payer, r.payee),
                                                 money(r.amount)))
    print()
    for year in ledger.years:
        r = ledger.risk(year)
        if r["variance"] >= 0:
            print("year %d: surplus %s: provider keeps %s of surplus and returns %s"
                  % (year, money(r["variance"]), money(r["provider"]), money(r["commissioner"])))
        else:
            print("year %d: deficit %s: provider bears %s and the commissioner %s"
                  % (year, money(-r["variance"]), money(-r["provider"]), money(-r["commissioner"])))
    circle = ledger.totals().set_index("party").loc["Circle"]
    print("five years: Circle is paid %s net for costs of %s: result %s"
          % (money(circle["net"]), money(circle["cost"]), money(circle["result"])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
