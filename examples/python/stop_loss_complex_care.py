"""A capitated complex-care contract with two layers of stop-loss, settled from per-person costs.

Reliance Re reinsures each person above 50,000.00 (80% of min(c, 250,000) - 50,000) for a premium of
2% of the value; the ICB pays 50% of the provider's retained cost above 110% of the value. The figures
are worked by hand in examples/c/stop_loss_complex_care.c and docs/contracts-and-settlement.md.

Run from the repository root after building:
    PYTHONPATH=build/python /usr/bin/python3 examples/python/stop_loss_complex_care.py

Expected output:
    year  kind                    payer -> payee                                      amount
    1     stop_loss_premium       Northshire Health Partners -> Reliance Re        24,000.00
    1     stop_loss               Reliance Re -> Northshire Health Partners       227,457.18
    1     stop_loss_aggregate     Northshire ICB -> Northshire Health Partners          0.00
    2     stop_loss_premium       Northshire Health Partners -> Reliance Re        24,480.00
    2     stop_loss               Reliance Re -> Northshire Health Partners       264,000.00
    2     stop_loss_aggregate     Northshire ICB -> Northshire Health Partners     44,800.00
    provider result: -38,222.82 on costs of 2,950,000.00
"""
import os

import pandas as pd

import ncm

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "contracts")


def main():
    c = ncm.Contract.from_json(os.path.join(HERE, "stop_loss_complex_care.json"))
    people = pd.read_csv(os.path.join(HERE, "stop_loss_complex_care_person_costs.csv"), dtype={"cost": str})
    ledger = c.settle(person_costs=people)
    lines = ledger.to_pandas()
    lines = lines[lines["kind"].str.startswith("stop_loss")]
    print("%-5s %-23s %-45s %12s" % ("year", "kind", "payer -> payee", "amount"))
    for r in lines.itertuples():
        print("%-5d %-23s %-45s %12s" % (r.year, r.kind, "%s -> %s" % (r.payer, r.payee), "{:,.2f}".format(r.amount)))
    tot = ledger.totals().set_index("party").loc["Northshire Health Partners"]
    print("provider result: {:,.2f} on costs of {:,.2f}".format(tot["result"], tot["cost"]))


if __name__ == "__main__":
    main()
