"""Status codes map to ncm.Error subclasses that carry the C library's message."""
import os
import threading

import numpy as np
import pytest

import ncm
from ncm import lowlevel as ll

EXPECTED = [  # (status, class, built-in base it must also be)
    (ll.NCM_ERR_INVALID, ncm.InvalidError, ValueError),
    (ll.NCM_ERR_NOMEM, ncm.NoMemoryError, MemoryError),
    (ll.NCM_ERR_IO, ncm.FileError, OSError),
    (ll.NCM_ERR_PARSE, ncm.ParseError, ValueError),
    (ll.NCM_ERR_OVERFLOW, ncm.MoneyOverflowError, OverflowError),
    (ll.NCM_ERR_RANGE, ncm.RangeError, ValueError),
    (ll.NCM_ERR_NOT_FOUND, ncm.NotFoundError, LookupError),
    (ll.NCM_ERR_VERSION, ncm.VersionError, ValueError),
    (ll.NCM_ERR_DUPLICATE, ncm.DuplicateError, ValueError),
    (ll.NCM_ERR_INCONSISTENT, ncm.InconsistentError, ValueError),
    (ll.NCM_ERR_BUFFER, ncm.BufferTooSmallError, ValueError),
    (ll.NCM_ERR_CANCELLED, ncm.CancelledError, ncm.Error),
    (ll.NCM_ERR_INTERNAL, ncm.InternalError, RuntimeError),
]


def test_status_values_are_the_fixed_c_values():
    assert [s for s, _, _ in EXPECTED] == list(range(-1, -14, -1))
    assert ll.NCM_OK == 0


@pytest.mark.parametrize("status, cls, base", EXPECTED)
def test_every_status_has_its_subclass(status, cls, base):
    assert ncm.error_class(status) is cls
    assert issubclass(cls, ncm.Error) and issubclass(cls, base)
    exc = ncm.errors._from_status(status, "people.csv:3:2 (age): boom")
    assert type(exc) is cls and exc.status == status
    assert str(exc) == "people.csv:3:2 (age): boom" and exc.message == str(exc)
    assert ncm.strerror(status) not in ("", "unknown status")


def test_unknown_status_falls_back_to_error():
    assert ncm.error_class(-99) is ncm.Error


def test_parse_error_carries_the_c_message():
    with pytest.raises(ncm.ParseError) as e:
        ll.ncm_money_parse("12.3x", 2, 0)
    err = e.value
    assert err.status == ll.NCM_ERR_PARSE == -4
    assert isinstance(err, ValueError) and isinstance(err, ncm.Error)
    assert str(err) == ll.ncm_last_error() == ncm.last_error()  # exactly the C message
    assert "12.3x" in str(err)


def test_range_error_names_the_index():
    with pytest.raises(ncm.RangeError) as e:
        ll.ncm_money_split(100, np.array([1.0, 2.0, -3.0]), np.zeros(3, dtype=np.int64))
    assert str(e.value).startswith("weights[2]:")


def test_invalid_error_from_the_binding_itself():
    with pytest.raises(ncm.InvalidError) as e:
        ll.ncm_money_split(100, np.ones(3), np.zeros(2, dtype=np.int64))
    assert "parts has 2 entries but weights has 3" in str(e.value)


def test_allocation_failure_is_memory_error():
    ll.ncm_alloc_fail_at(1)  # the split's remainder array is its first allocation
    try:
        with pytest.raises(ncm.NoMemoryError) as e:
            ncm.Money.split(100, [1.0, 2.0])
    finally:
        ll.ncm_alloc_fail_at(0)
    assert isinstance(e.value, MemoryError) and e.value.status == -2
    assert ncm.Money.split(100, [1.0, 3.0]).tolist() == [25, 75]  # hook disarmed after one failure


def test_wrong_buffer_type_is_a_clear_type_error():
    out = np.zeros(3, dtype=np.int64)
    with pytest.raises(TypeError) as e:
        ll.ncm_money_split(100, np.ones(3, dtype=np.float32), out)
    assert "'weights'" in str(e.value) and "float64" in str(e.value) and "'f'" in str(e.value)
    with pytest.raises(TypeError):
        ll.ncm_money_split(100, [1.0, 2.0, 3.0], out)  # a list is not a buffer: no silent copy
    with pytest.raises(TypeError):
        ll.ncm_money_split(100, np.ones(6)[::2], out)  # not C-contiguous
    with pytest.raises(TypeError) as e:
        ll.ncm_money_split(100, np.ones(3), np.zeros(3, dtype=np.int64)[:3].astype(np.int32))
    assert "'parts'" in str(e.value) and "int64" in str(e.value)
    ro = np.zeros(3, dtype=np.int64)
    ro.flags.writeable = False
    with pytest.raises(TypeError) as e:
        ll.ncm_money_split(100, np.ones(3), ro)
    assert "writable" in str(e.value)


def test_messages_stay_with_their_thread():
    # The GIL is released around every call and ncm_last_error() is thread-local: eight threads
    # failing at once each get their own message.
    results = {}

    def work(k):
        texts = []
        for _ in range(200):
            try:
                ll.ncm_money_parse("bad%d" % k, 2, 0)
            except ncm.ParseError as exc:
                texts.append(str(exc))
        results[k] = texts

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for k in range(8):
        assert len(results[k]) == 200 and all(('"bad%d"' % k) in t for t in results[k]), results[k][:1]


DATA = os.environ.get("NCM_TEST_DATA") or os.path.join(os.path.dirname(__file__), "..", "..", "..", "tests", "data")


def test_handle_constructor_raises_from_released_gil_code():
    # The PopulationHandle constructor runs without the GIL and raises through ncmpy_raise_status.
    with pytest.raises(ncm.FileError) as e:
        ll.PopulationHandle(os.path.join(DATA, "population", "no_such.csv"))
    assert "no_such.csv" in str(e.value) and e.value.status == ll.NCM_ERR_IO
    bad = os.path.join(DATA, "population", "bad_sex.csv")
    if os.path.exists(bad):
        with pytest.raises(ncm.ParseError) as e:
            ll.PopulationHandle(bad)
        assert "bad_sex.csv:" in str(e.value) and "(sex)" in str(e.value)


def test_scalar_out_parameters_and_not_found():
    assert ll.ncm_level_parse("place") == ll.NCM_LEVEL_PLACE == 2
    with pytest.raises(ncm.InvalidError) as e:
        ll.ncm_level_parse("county")
    assert '"county"' in str(e.value)
    h = ll.ncm_population_read_csv_buffer(b"person_id,age,sex,practice,network\na,1,F,P1,N1\nb,2,M,P2,N1\n",
                                          "people.csv", None, "diagnoses.csv", 0)
    assert ll.ncm_population_text_find(h, ll.NCM_TEXT_PRACTICE, "P2") == 1  # ids follow first appearance
    assert ll.ncm_population_parent(h, ll.NCM_LEVEL_PRACTICE, 1, ll.NCM_LEVEL_NETWORK) == 0
    with pytest.raises(ncm.NotFoundError) as e:
        ll.ncm_population_text_find(h, ll.NCM_TEXT_PRACTICE, "P9")
    assert isinstance(e.value, LookupError) and '"P9"' in str(e.value)


def test_version():
    assert ncm.__version__ == "%d.%d.%d" % (ll.NCM_VERSION_MAJOR, ll.NCM_VERSION_MINOR, ll.NCM_VERSION_PATCH)
