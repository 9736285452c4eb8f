"""A synthetic archive for search benchmarks and tests, written in the seed contracts' vocabulary.

The mix follows what a government IT centre files (seed 000 §2.4): many one-page 巡检记录,
weekly and monthly reports, 监理通知单 and fault reports, fewer long 方案, and contracts of up
to 60,000 characters. Body text is cut from the seed contracts (``DOCGEN_SEEDS``, or
``shared/seeds`` beside the repository) in whole lines, so clause language, numbering and codes stay realistic;
each document gets generated specifics — dates, amounts, codes, project, company and person
names (synthetic, plus a few out-of-dictionary names such as 王为昌 and 周建国 that a search
must still find). Personal phone and ID numbers in the seeds are replaced before use.

Without the seed files a built-in paragraph set is used, so tests never depend on them.
Generation is deterministic for a given ``seed`` and fast (≈ 1 s per 10,000 documents).
"""

from __future__ import annotations

import os
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from index.api import IndexDoc

def _seed_dir() -> Path:
    """``DOCGEN_SEEDS``, else ``shared/seeds`` beside the repository, else the workplace's copy."""
    if os.environ.get("DOCGEN_SEEDS"):
        return Path(os.environ["DOCGEN_SEEDS"])
    beside = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    return beside if beside.is_dir() else Path("/work/shared/seeds")


SEED_DIR = _seed_dir()

PROJECTS = (
    ("JFLH", "北京市积分落户管理信息系统运行维护服务"),
    ("XTBG", "协同办公类系统运维工作"),
    ("WLAQ", "网络安全支持服务运行维护"),
    ("JCYW", "信息化基础软硬件环境运维"),
    ("JLZX", "信息化运维项目监理咨询服务"),
    ("SPHY", "视频会议系统维护"),
)
COMPANIES = (
    "北京示例信息技术有限公司", "北京测试网络科技有限公司", "北京样本软件服务有限公司",
    "北京演示系统集成有限公司", "国研咨询", "北京虚构数据科技有限公司",
)
PEOPLE = ("王为昌", "周建国", "张测试", "李示例", "王样本", "赵演示", "钱虚构", "孙模拟", "吴样例", "郑测验")
SENSITIVITY = ("最小敏感性", "最小敏感性", "最小敏感性", "比较敏感", "非常敏感")


@dataclass(frozen=True)
class Kind:
    """A document kind of the mix: filing category, title pattern, size range, share."""

    name: str
    category: str
    retention: str
    low: int
    high: int
    weight: float


KINDS = (
    Kind("巡检记录", "RCJC", "D10", 400, 1_500, 0.40),
    Kind("周报", "FWZJ", "D10", 1_200, 3_000, 0.15),
    Kind("月报", "FWZJ", "D30", 2_500, 6_000, 0.10),
    Kind("监理通知单", "JLWS", "D30", 600, 2_000, 0.10),
    Kind("故障总结报告", "GZZJ", "D30", 2_000, 6_000, 0.10),
    Kind("技术方案", "JSFA", "D30", 8_000, 20_000, 0.10),
    Kind("合同", "HTXY", "Y", 20_000, 60_000, 0.05),
)

_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID_LIKE = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")

FALLBACK_PARAGRAPHS = (
    "甲、乙双方根据《中华人民共和国民法典》的规定，按照公正、平等、自愿、诚实信用的原则，签署本合同。",
    "乙方应按照合同约定提供运行维护服务，包括日常巡检、故障处理、数据备份和安全加固。",
    "如发生信息安全事件，乙方应在30分钟内响应，2小时内到达现场，并提交故障总结报告。",
    "乙方应于每月最后一个工作日前提交月度运维报告，每季度提交季度服务工作总结报告。",
    "乙方违反保密义务的，应向甲方支付合同总额20%的违约金，甲方有权解除合同。",
    "履约保证金为合同总额的10%，乙方应在合同签订后20个工作日内提交履约保函。",
    "监理单位对运维服务质量进行检查，发现问题时签发监理通知单，要求限期整改。",
    "巡检内容：服务器运行状态、存储使用率、网络设备端口、防火墙策略、数据库备份日志。",
    "本合同一式陆份，甲乙双方各执叁份，自双方签字并盖章之日起生效。",
    "乙方及其工作人员不得泄露源代码、技术文档、用户数据等保密信息，保密义务永久有效。",
    "验收合格后，甲方向乙方支付合同价款，乙方应先行开具合法有效的发票。",
    "因不可抗力导致合同无法履行的，双方互不承担违约责任，但应及时通知对方。",
)


@lru_cache(maxsize=2)
def vocabulary(seed_dir: Path | None = SEED_DIR) -> tuple[str, ...]:
    """Non-empty lines of the seed contracts (phone and ID-like numbers replaced), or the fallback."""
    files = sorted(seed_dir.glob("*.txt")) if seed_dir is not None and seed_dir.is_dir() else []
    lines: list[str] = []
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line:
                line = _PHONE.sub("13800000000", line)
                lines.append(_ID_LIKE.sub("110101199001011237", line))
    return tuple(lines) if lines else FALLBACK_PARAGRAPHS


def generate(count: int, seed: int = 0, seed_dir: Path | None = SEED_DIR) -> Iterator[IndexDoc]:
    """``count`` documents of the realistic mix, the same ones for the same ``seed``."""
    rng = random.Random(seed)
    lines = vocabulary(seed_dir)
    weights = [k.weight for k in KINDS]
    numbers: dict[tuple[str, int], int] = {}
    for n in range(count):
        kind = rng.choices(KINDS, weights)[0]
        yield _document(n, kind, rng, lines, numbers)


def _document(n: int, kind: Kind, rng: random.Random, lines: tuple[str, ...], numbers: dict) -> IndexDoc:
    project_code, project = rng.choice(PROJECTS)
    day = date(2019, 1, 1) + timedelta(days=rng.randrange(6 * 365))
    company, person = rng.choice(COMPANIES), rng.choice(PEOPLE)
    key = (kind.category, day.year)
    numbers[key] = numbers.get(key, 0) + 1
    ref = f"J001-{kind.category}·{day.year}-{kind.retention}-{project_code}-{numbers[key]:04d}"
    title = f"{project}{kind.name}（{day.year}年{day.month}月{day.day}日）"
    header = [
        title,
        f"项目名称：{project}",
        f"编制单位：{company}　负责人：{person}",
        f"日期：{day.year}年{day.month}月{day.day}日　编号：BJ{project_code}{day.year}{rng.randrange(1000):03d}",
        f"金额：{rng.randrange(1, 300) * 1000 + rng.randrange(100):,}.00元",
    ]
    body = _body(rng, lines, rng.randint(kind.low, kind.high))
    return IndexDoc(
        doc_id=f"doc{n:06d}",
        ref=ref,
        title=title,
        text="\n".join(header + body),
        category=kind.category,
        year=day.year,
        date=day,
        project=project_code,
        sensitivity=rng.choice(SENSITIVITY),
        retention=kind.retention,
        names=(company, person),
    )


def _body(rng: random.Random, lines: tuple[str, ...], size: int) -> list[str]:
    """Runs of consecutive seed lines until ``size`` characters, as real documents reuse clauses."""
    out: list[str] = []
    total = 0
    while total < size:
        start = rng.randrange(len(lines))
        for line in lines[start : start + rng.randint(3, 30)]:
            out.append(line)
            total += len(line) + 1
            if total >= size:
                break
    return out
