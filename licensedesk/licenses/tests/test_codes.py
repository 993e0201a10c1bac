import math
import re

from licensedesk.licenses import codes

CODE = re.compile(r"^M01-C01-251-(\d{2,6})-([23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{6})$")


def test_a_code_has_issuer_product_version_sequence_and_six_random_characters():
    code = codes.make_code("M01", "C01", "251", 1)
    assert CODE.match(code)
    assert code.startswith("M01-C01-251-01-")
    assert codes.is_well_formed(code)


def test_the_sequence_is_zero_padded_to_two_digits_and_grows_beyond():
    assert codes.make_code("M01", "C01", "251", 7).split("-")[3] == "07"
    assert codes.make_code("M01", "C01", "251", 1234).split("-")[3] == "1234"


def test_the_alphabet_has_32_symbols_without_look_alikes():
    assert len(codes.ALPHABET) == len(set(codes.ALPHABET)) == 32
    assert not set("0O1I") & set(codes.ALPHABET)


def test_the_random_part_carries_at_least_30_bits():
    assert codes.RANDOM_LENGTH * math.log2(len(codes.ALPHABET)) >= 30


def test_the_random_part_uses_the_whole_alphabet_and_does_not_repeat():
    parts = [codes.make_code("M01", "C01", "251", 1).rsplit("-", 1)[1] for _ in range(2000)]
    assert set("".join(parts)) == set(codes.ALPHABET)
    assert len(set(parts)) >= 1995  # 2000 draws from 2**30: a clash is very unlikely


def test_it_forgives_spaces_and_case():
    assert codes.normalize("  m01-c01-251-01-7k3qf9 ") == "M01-C01-251-01-7K3QF9"
    assert codes.normalize("M01 - C01 - 251 - 01 - 7K3 QF9\n") == "M01-C01-251-01-7K3QF9"
    assert codes.normalize(None) == ""


def test_it_rejects_malformed_codes():
    for bad in (
        "",
        "M01-C01-251-01",
        "M01-C01-251-01-7K3QF",
        "M01-C01-251-01-7K3QF99",
        "M01-C01-251-01-7K3QF0",  # 0 is not in the alphabet
        "M01-C01-251-01-7K3QFO",
        "M01-C01-251-01-7K3QFI",
        "M01-C01-251-01-7K3QF1",
        "M01-C01-2X1-01-7K3QF9",
        "M01C01-251-01-7K3QF9",
        "M01-C01-251-01-7k3qf9",  # normalize first
        "M01-C01-251-01-7K3QF9; DROP TABLE",
    ):
        assert not codes.is_well_formed(bad), bad
