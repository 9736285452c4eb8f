"""Synthetic people and organisations for every test: checksum-valid, clearly fake, deterministic.

Real people from the seed contracts never appear in tests. The names below are made of
words such as 测试 / 示例 / 样本 so that nobody mistakes them for real persons; ID numbers
and credit codes carry valid check digits (GB 11643, GB 32100) so validation code is
exercised for real, yet they are generated, not copied from anywhere.

    from tests.fakes import FakePerson, fake_people, fake_id_number, fake_uscc
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from docgen.cn import id_check_char, org_code_check_char, uscc_check_char

FAKE_NAMES: tuple[str, ...] = (
    "张测试", "李示例", "王样本", "赵演示", "钱虚构", "孙模拟", "周假名", "吴样例",
    "郑测验", "冯示范", "陈试用", "褚范例", "卫演练", "蒋试点", "沈样稿", "韩草稿",
)
"""Clearly fake Chinese names, in a fixed order."""

FAKE_COMPANIES: tuple[str, ...] = (
    "北京示例信息技术有限公司",
    "北京测试网络科技有限公司",
    "北京样本软件服务有限公司",
    "北京演示系统集成有限公司",
)
"""Clearly fake company names, in a fixed order."""

FAKE_ADDRESS = "北京市示例区测试路1号"

Rng = random.Random | int | None


def _rng(rng: Rng) -> random.Random:
    """A ``random.Random`` from a seed (int), an existing generator, or None (seed 0)."""
    return rng if isinstance(rng, random.Random) else random.Random(rng or 0)


def fake_id_number(rng: Rng, birth: date, male: bool, region: str = "110105") -> str:
    """A checksum-valid resident ID number for a synthetic person (GB 11643-1999).

    ``region`` is a 6-digit area code (default 110105, 北京市朝阳区); the sequence number is
    drawn from ``rng`` and made odd for men, even for women.
    """
    if len(region) != 6 or not region.isdigit():
        raise ValueError(f"region must be 6 digits, got {region!r}")
    sequence = _rng(rng).randrange(0, 500) * 2 + (1 if male else 0)
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_check_char(first17)


_ORG_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # the USCC set, so the whole code stays valid


def fake_uscc(rng: Rng = None, *, dept: str = "9", category: str = "1", region: str = "110105") -> str:
    """A checksum-valid unified social credit code (GB 32100-2015) for a synthetic organisation.

    ``dept`` + ``category`` default to 9 1 (工商, 企业); the embedded organisation code gets its
    GB 11714 check digit, and the code its GB 32100 check character.
    """
    generator = _rng(rng)
    body = "".join(generator.choice(_ORG_CHARS) for _ in range(8))
    first17 = f"{dept}{category}{region}{body}{org_code_check_char(body)}"
    return first17 + uscc_check_char(first17)


@dataclass(frozen=True)
class FakePerson:
    """A synthetic person: name, gender, birth date and a matching checksum-valid ID number."""

    name: str
    gender: str  # 男 / 女
    birth: date
    id_number: str
    address: str = FAKE_ADDRESS


def fake_person(index: int = 0, *, seed: int = 0) -> FakePerson:
    """The ``index``-th synthetic person; the same (index, seed) always gives the same person."""
    rng = random.Random(seed * 100_003 + index)
    male = index % 2 == 0
    birth = date(1970, 1, 1) + timedelta(days=rng.randrange(0, 365 * 30))
    return FakePerson(
        name=FAKE_NAMES[index % len(FAKE_NAMES)],
        gender="男" if male else "女",
        birth=birth,
        id_number=fake_id_number(rng, birth, male),
    )


def fake_people(n: int, *, seed: int = 0) -> list[FakePerson]:
    """``n`` synthetic people, deterministic for a given ``seed`` (names repeat after 16)."""
    return [fake_person(i, seed=seed) for i in range(n)]
