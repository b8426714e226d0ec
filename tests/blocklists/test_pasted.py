"""A number with words around it, as people write it on a line of its own (``blocklists.pasted``)."""

from __future__ import annotations

import pytest

from blocklists.importexport import call_log_number
from blocklists.pasted import DATE_TIME, pasted_with_names, split_pasted


@pytest.mark.parametrize(
    "token",
    ["2026-12-06", "12/06", "12月6日", "2026年12月6号", "10:30", "下午3点", "15点20分", "3点半", "12月6日10:30"],
)
def test_dates_and_times_are_not_numbers(token: str) -> None:
    assert DATE_TIME.match(token)
    assert split_pasted(f"13800138000 {token}") == ["13800138000"]


@pytest.mark.parametrize("token", ["0513", "138", "13800138000", "12-06", "2小时", "95588"])
def test_number_groups_are_not_dates(token: str) -> None:
    assert not DATE_TIME.match(token)


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        # as a Chinese keyboard writes a name against its number (a new user's trial: 含有非号码字符“王”, or the line
        # taken for a title and never checked)
        ("王大爷（13312345678）", ["13312345678"]),
        ("13312345678（王大爷）", ["13312345678"]),
        ("周奶奶：177 1234 5678", ["177 1234 5678"]),
        ("张三(同事) 13800138000", ["13800138000"]),
        ("电话:13800138000 10:30", ["13800138000"]),
        # names and places with a digit or two
        ("王5 13800138000", ["13800138000"]),
        ("3号楼保安 13800138000\n12栋 0513-85123456", ["13800138000", "0513-85123456"]),
        # what stays as it was: an area code in brackets, a mistyped number for the screener to name
        ("(021) 6123 4567", ["(021) 6123 4567"]),
        ("13800138000张", ["13800138000张"]),
    ],
)
def test_names_written_against_a_number(text: str, numbers: list[str]) -> None:
    assert split_pasted(text) == numbers


@pytest.mark.parametrize(
    ("line", "number"),
    [
        # the date's digits ran into the number (13800138000126) and the screener blamed the name's 张
        ("张三 13800138000 12月6日", "13800138000"),
        ("13800138000 12月6日 下午3点 35秒", "13800138000"),
        ("李四 021-61234567 12月5日", "021-61234567"),
        ("+86 138 0013 8000", "+86 138 0013 8000"),
        ("13800138000", "13800138000"),
        ("周奶奶：177 1234 5678", "177 1234 5678"),
        # none, or two numbers on one line: the line goes to the screener whole, which says what is wrong
        ("abc", "abc"),
        ("95588 0513-85123456", "95588 0513-85123456"),
        ("中国移动 10086", "10086"),
        # a title's year, count or date is no caller: the line stays whole, so that it is read as a title
        ("Call log 2026", "Call log 2026"),
        ("Exported 2026-12-06 10:30 (128 calls)", "Exported 2026-12-06 10:30 (128 calls)"),
        ("通话记录 20261206", "通话记录 20261206"),
    ],
)
def test_a_plain_call_log_line_is_its_number(line: str, number: str) -> None:
    assert call_log_number(line) == number


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        # a numbered list: the index joined the number (113800138000, twelve digits) or stood alone as a "number"
        ("1 138 0013 8000", ["138 0013 8000"]),
        ("1) 13800138000\n2. 95588", ["13800138000", "95588"]),
        ("(3) 177 1234 5678", ["177 1234 5678"]),
        ("1、13800138000\n2、95588", ["13800138000", "95588"]),  # (a review found 1、 and ① missed)
        ("1.13800138000", ["13800138000"]),
        ("①13800138000", ["13800138000"]),
        ("1 400 812 3123", ["400 812 3123"]),
        ("12.6 13800138000", ["13800138000"]),
        # a country code is no index
        ("86 138 0013 8000", ["86 138 0013 8000"]),
        ("+1 138 0013 8000", ["+1 138 0013 8000"]),
        # dates as Excel and people write them beside a number
        ("13800138000 12.6", ["13800138000"]),
        ("06/12/2026 13800138000", ["13800138000"]),
        ("06-12-2026 95588 10:30", ["95588"]),
        # a lone short number stays, for the screener to name
        ("5", ["5"]),
    ],
)
def test_list_indexes_and_more_dates_are_no_part_of_a_number(text: str, numbers: list[str]) -> None:
    assert split_pasted(text) == numbers


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("王大爷 13812345678", [("13812345678", "王大爷")]),
        ("13312345678（王大爷）", [("13312345678", "王大爷")]),
        ("周奶奶：177 1234 5678", [("177 1234 5678", "周奶奶")]),
        ("张三,13800138000,2026-01-02 10:30", [("13800138000", "张三")]),  # a call log's line without its header
        ("王5 13800138000 35秒", [("13800138000", "王5")]),  # a duration is no part of a name
        ("17012345678 快递", [("17012345678", "快递")]),
        # a label names no one, a line of two numbers gives neither a name, and a plain list has none
        ("手机 13800138000\n来电：95588", [("13800138000", ""), ("95588", "")]),
        ("物业 95588 0513-85123456", [("95588", ""), ("0513-85123456", "")]),
        ("13800138000\n1、95588", [("13800138000", ""), ("95588", "")]),
        (
            "一位很长很长的名字写了好多好多好多好多好多好多好多字的人 13800138000",
            [("13800138000", "")],  # a sentence around a number is no name
        ),
        # a call log's own words, a web address and full-width labels are no name; an index before a name is dropped
        ("13800138000 江苏省南通市 中国移动", [("13800138000", "")]),
        ("Incoming call 13712345678", [("13712345678", "")]),
        ("13800138000 http://x.cn", [("13800138000", "")]),
        ("ＴＥＬ：13800138000", [("13800138000", "")]),
        ("1、李阿姨 13912345678\n2. 王叔 13812345678", [("13912345678", "李阿姨"), ("13812345678", "王叔")]),
    ],
)
def test_a_name_beside_a_lines_only_number_is_its_name(text: str, named: list[tuple[str, str]]) -> None:
    assert pasted_with_names(text) == named
    assert split_pasted(text) == [number for number, _ in named]


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        # a trial: a UK mobile pasted on 查号 became two numbers, +44 7700 and 900123, each with a warning
        ("+44 7700 900123", ["+44 7700 900123"]),
        ("0044 7700 900123", ["0044 7700 900123"]),
        ("+44 20 7946 0958", ["+44 20 7946 0958"]),
        ("+1 415 555 2671", ["+1 415 555 2671"]),
        ("+81 3 1234 5678", ["+81 3 1234 5678"]),
        # shorter groups, and numbers valid at a shorter length (a review: each of these was split)
        ("+886 912 345 678", ["+886 912 345 678"]),
        ("+855 12 345 678", ["+855 12 345 678"]),
        ("+33 1 23 45 67 89", ["+33 1 23 45 67 89"]),
        ("+49 30 1234 5678", ["+49 30 1234 5678"]),
        ("+39 06 1234 5678", ["+39 06 1234 5678"]),
        ("001 415 555 2671", ["001 415 555 2671"]),
        # complete, or too long with the next group: the next group is the next number
        ("+44 7700 900123 95588", ["+44 7700 900123", "95588"]),
        ("+44 20 7946 0958 110", ["+44 20 7946 0958", "110"]),
        ("+65 9123 4567 13800138000", ["+65 9123 4567", "13800138000"]),
        # China's own numbers keep its grouping rules
        ("+86 138 0013 8000 95588", ["+86 138 0013 8000", "95588"]),
        ("0086 138 0013 8000", ["0086 138 0013 8000"]),
        ("+86 10 1234 5678 110", ["+86 10 1234 5678", "110"]),  # a landline: no 0 written, counted with its 86
        ("+852 96110", ["+852 96110"]),
    ],
)
def test_another_countrys_number_keeps_its_longer_groups(text: str, numbers: list[str]) -> None:
    assert split_pasted(text) == numbers
