"""Write a synthetic project in the generator's own format: N codes in English, Chinese and Russian."""

from __future__ import annotations

import argparse
import bisect
import hashlib
import json
import random
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
LANGS = ("en", "zh", "ru")
CLASSES = ("1xx", "2xx", "3xx", "4xx", "5xx")
MAX_CODE = 59999
PER_CLASS = 10000
SPEC = "SYN 1"
MARKER = ".synthetic-site"
SEED = 20261123

SITE_TOML = """\
# A synthetic benchmark site written by bench/synthetic.py: not real content.
base_url = "/"
default_language = "en"
repo_url = ""
max_code = {max_code}
# Hugo, the peer measured beside it, builds no search index: neither do we unless asked (--search).
search = {search}

[languages.en]
prefix = ""
tag = "en"
babel = "en"
og = "en_US"

[languages.zh]
prefix = "zh"
tag = "zh-Hans"
babel = "zh_Hans"
og = "zh_CN"

[languages.ru]
prefix = "ru"
tag = "ru"
babel = "ru"
og = "ru_RU"
"""

EN_WORDS = (
    "request response server client cache proxy origin header field body representation resource target "
    "method connection retry timeout limit gateway upstream downstream token session credential policy "
    "registry status code class handler route path query payload content length range version protocol "
    "redirect location validator condition precondition entity tag freshness lifetime store reuse crawler "
    "browser library framework configuration deployment network socket stream frame priority window queue "
    "worker backend frontend balancer certificate handshake negotiation encoding charset language media type "
    "the a an this that every some any each other same new old current previous next first last usual "
    "sends returns answers rejects accepts forwards stores reuses ignores repeats expects carries describes "
    "signals means indicates reports tells allows forbids requires prefers keeps drops opens closes waits "
    "quickly rarely often always never usually safely silently explicitly eventually immediately again "
    "because when while unless although if before after until since so and or but with without for from "
    "into over under between through about against during within across behind beyond toward"
).split()
ZH_WORDS = (
    "请求 响应 服务器 客户端 缓存 代理 源站 首部 字段 正文 表示 资源 目标 方法 连接 重试 超时 限制 网关 上游 下游 "
    "令牌 会话 凭据 策略 注册 状态 类别 处理 路由 路径 查询 负载 内容 长度 范围 版本 协议 重定向 位置 验证 条件 "
    "新鲜度 存储 复用 爬虫 浏览器 框架 配置 部署 网络 数据 队列 后端 前端 证书 握手 协商 编码 语言 类型 "
    "这个 那个 每个 一些 任何 其他 相同 新的 旧的 当前 之前 之后 通常 总是 从不 安全 明确 最终 立即 再次 "
    "因为 当时 如果 虽然 直到 所以 并且 或者 但是 没有 对于 通过 关于 之间 期间 发送 返回 拒绝 接受 转发 "
    "保存 忽略 重复 期望 携带 描述 表明 报告 允许 禁止 需要 保持 打开 关闭 等待 说明 可能 应该 必须 不会"
).split()
RU_WORDS = (
    "запрос ответ сервер клиент кэш прокси источник заголовок поле тело ресурс цель метод соединение повтор "
    "таймаут лимит шлюз сессия токен политика реестр статус код класс обработчик маршрут путь запрос данные "
    "длина диапазон версия протокол адрес условие хранилище браузер библиотека настройка сеть поток очередь "
    "сертификат кодировка язык тип этот тот каждый другой новый старый текущий прежний следующий обычно "
    "всегда никогда быстро редко часто явно сразу снова потому когда пока если хотя после до так и или но "
    "с без для из в над под между через о против во время отправляет возвращает отклоняет принимает "
    "пересылает хранит игнорирует повторяет ожидает несёт описывает означает сообщает требует держит ждёт"
).split()
EN_TITLE_WORDS = (
    "Quantum Ledger Parcel Beacon Harbor Cascade Vector Lantern Meridian Orbit Signal Anchor Relay Summit "
    "Ember Prism Canyon Falcon Glacier Horizon Nimbus Pillar Quartz Ripple Sable Tundra Umber Vertex Willow "
    "Zephyr Accepted Required Pending Expired Deferred Throttled Locked Rejected Missing Delayed Partial"
).split()
VENDORS = ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Tyrell")
CLASS_TITLES = {
    "en": ("Informational responses", "Successful responses", "Redirection messages", "Client errors", "Server errors"),
    "zh": ("信息响应", "成功响应", "重定向消息", "客户端错误", "服务器错误"),
    "ru": ("Информационные ответы", "Успешные ответы", "Перенаправления", "Ошибки клиента", "Ошибки сервера"),
}
HEADINGS = {
    "meaning": ("What it means", "含义", "Что это значит"),
    "when": ("When servers send it", "服务器何时返回", "Когда сервер его отправляет"),
    "handling": (
        "How clients, caches and crawlers treat it",
        "客户端、缓存和爬虫如何处理",
        "Как с ним обращаются клиенты, кэши и роботы",
    ),
    "headers": ("Header fields", "相关首部字段", "Поля заголовка"),
    "example": ("Example", "示例", "Пример"),
    "causes": ("Common causes and fixes", "常见原因与解决方法", "Частые причины и исправления"),
    "history": ("History", "历史", "История"),
    "unknown": ("Unknown codes of this class", "本类别中的未知状态码", "Неизвестные коды этого класса"),
    "about": ("About this reference", "关于本参考", "Об этом справочнике"),
}
LINK_WORDS = {
    "en": ("see", "compare", "unlike", "as with"),
    "zh": ("参见", "比较", "不同于", "类似于"),
    "ru": ("см.", "сравните", "в отличие от", "как и"),
}


@dataclass(frozen=True)
class Link:
    """A cross-link: target code, optional fragment, whether it carries its own text."""

    code: int
    fragment: str = ""
    custom: bool = False


@dataclass
class Block:
    """A paragraph (size = sentences), a bullet list (size = items) or a fenced http block."""

    kind: str
    size: int
    links: tuple[Link, ...] = ()
    text: str = ""


@dataclass
class Section:
    """One `##`/`###` section: its id, heading key or literal headings, and blocks."""

    id: str
    blocks: list[Block]
    level: int = 2
    headings: tuple[str, str, str] | None = None


@dataclass(frozen=True)
class Meaning:
    """One meaning of a synthetic code, as written to content/codes/<code>.toml."""

    phrase: str
    status: str
    section: str = ""
    vendor: str = ""
    id: str = ""
    former: tuple[str, ...] = ()
    expires: str = ""


@dataclass(frozen=True)
class Synthetic:
    """Everything decided about one code before any text is written."""

    code: int
    related: tuple[int, ...]
    cacheable: bool
    body: bool
    meanings: tuple[Meaning, ...]


def distribute(count: int) -> list[int]:
    """`count` five-digit codes spread evenly over the classes 1xx..5xx (10000.., 20000.., ...)."""
    if not 1 <= count <= PER_CLASS * len(CLASSES):
        raise SystemExit(f"--codes must be between 1 and {PER_CLASS * len(CLASSES)}")
    codes = []
    for index in range(len(CLASSES)):
        share = count // len(CLASSES) + (1 if index < count % len(CLASSES) else 0)
        codes += [(index + 1) * PER_CLASS + i for i in range(share)]
    return codes


def toml_str(text: str) -> str:
    """A TOML basic string (JSON's escaping is valid TOML for these texts)."""
    return json.dumps(text, ensure_ascii=False)


def source_hash(title: str, summary: str, body: str) -> str:
    """Exactly generator.site.source_hash: sha256 of title, summary and stripped body, 12 hex digits."""
    words = "\n".join([title, summary, body.strip()])
    return hashlib.sha256(words.encode("utf-8")).hexdigest()[:12]


def en_phrase(rng: random.Random) -> str:
    """A reason phrase such as 'Quantum Ledger Required'."""
    return " ".join(rng.sample(EN_TITLE_WORDS, rng.randint(2, 3)))


def sentence(lang: str, rng: random.Random) -> str:
    """One filler sentence in a language (no Markdown-special characters)."""
    if lang == "zh":
        words = rng.choices(ZH_WORDS, k=rng.randint(8, 17))
        if len(words) > 8:
            words.insert(rng.randint(3, len(words) - 3), "，")
        return "".join(words) + "。"
    vocabulary, low, high = (EN_WORDS, 8, 17) if lang == "en" else (RU_WORDS, 4, 9)
    words = rng.choices(vocabulary, k=rng.randint(low, high))
    return " ".join(words).capitalize() + "."


def phrase_in(lang: str, rng: random.Random) -> str:
    """A translated-looking phrase for the zh/ru front matter."""
    if lang == "zh":
        return "".join(rng.choice(ZH_WORDS) for _ in range(rng.randint(2, 3)))
    return " ".join(rng.choice(RU_WORDS) for _ in range(rng.randint(2, 3))).capitalize()


def summary_in(lang: str, rng: random.Random) -> str:
    """A one-sentence summary."""
    return sentence(lang, rng)


def xlink(link: Link, lang: str, rng: random.Random) -> str:
    """The `[[code]]`, `[[code#frag]]` or `[[code|text]]` source of a cross-link."""
    target = f"{link.code}#{link.fragment}" if link.fragment else str(link.code)
    if link.custom:
        words = ZH_WORDS if lang == "zh" else RU_WORDS if lang == "ru" else EN_WORDS
        joiner = "" if lang == "zh" else " "
        return f"[[{target}|{joiner.join(rng.choice(words) for _ in range(3))}]]"
    return f"[[{target}]]"


def paragraph(block: Block, lang: str, rng: random.Random) -> str:
    """A paragraph of `block.size` sentences with the block's cross-links spread through it."""
    sentences = [sentence(lang, rng) for _ in range(block.size)]
    for index, link in enumerate(block.links):
        at = (index * 2 + 1) % len(sentences)
        lead = rng.choice(LINK_WORDS[lang])
        text = sentences[at]
        stop = "。" if lang == "zh" else "."
        sentences[at] = f"{text[:-1]}{'，' if lang == 'zh' else ', '}{lead} {xlink(link, lang, rng)}{stop}"
    return (" " if lang != "zh" else "").join(sentences)


def bullets(block: Block, lang: str, rng: random.Random) -> str:
    """A bullet list; the block's links go into the first items."""
    items = []
    for index in range(block.size):
        text = sentence(lang, rng)
        if index < len(block.links):
            text = f"{text[:-1]} ({xlink(block.links[index], lang, rng)}){text[-1]}"
        items.append(f"- {text}")
    return "\n".join(items)


def render(sections: Sequence[Section], lang: str, rng: random.Random) -> str:
    """A page body in one language: the same ids, links and code blocks in every language."""
    column = LANGS.index(lang)
    parts = []
    for section in sections:
        heading = (section.headings or HEADINGS[section.id])[column]
        parts.append(f"{'#' * section.level} {heading} {{#{section.id}}}")
        for block in section.blocks:
            if block.kind == "p":
                parts.append(paragraph(block, lang, rng))
            elif block.kind == "ul":
                parts.append(bullets(block, lang, rng))
            else:
                parts.append(f"```http\n{block.text}\n```")
    return "\n\n".join(parts) + "\n"


def http_example(code: int, phrase: str, rng: random.Random) -> str:
    """A raw HTTP exchange, identical in every language."""
    item = rng.randint(1, 99999)
    method = rng.choice(("GET", "POST", "PUT", "DELETE"))
    return (
        f"{method} /api/items/{item} HTTP/1.1\nHost: api.example.com\nAccept: application/json\n\n"
        f"HTTP/1.1 {code} {phrase}\nContent-Type: application/problem+json\nCache-Control: no-store\n\n"
        f'{{"type": "https://example.com/problems/{code}", "title": "{phrase}", "status": {code}, "instance": "/api/items/{item}"}}'
    )


def plan_facts(code: int, codes: Sequence[int], rng: random.Random) -> Synthetic:
    """Facts for one code: meanings of several kinds, related codes of the same class."""
    klass = str(code)[0]
    roll = rng.random()
    section = f"{klass}.{rng.randint(1, 10)}"
    if roll < 0.70:
        meanings: tuple[Meaning, ...] = (Meaning(en_phrase(rng), "standard", section),)
    elif roll < 0.76:
        meanings = (Meaning(en_phrase(rng), "deprecated", section, former=(en_phrase(rng),)),)
    elif roll < 0.79:
        meanings = (
            Meaning(
                en_phrase(rng),
                "temporary",
                section,
                expires=f"20{rng.randint(27, 35)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
            ),
        )
    elif roll < 0.93:
        meanings = (Meaning(en_phrase(rng), "unofficial", vendor=rng.choice(VENDORS)),)
    else:
        first, second = rng.sample(VENDORS, 2)
        meanings = (
            Meaning(en_phrase(rng), "unofficial", vendor=first, id=first.lower()),
            Meaning(en_phrase(rng), "unofficial", vendor=second, id=second.lower()),
        )
    position = bisect.bisect_left(codes, code)
    near = [c for c in codes[max(0, position - 6) : position + 7] if str(c)[0] == klass and c != code]
    related = tuple(rng.sample(near, min(len(near), rng.randint(1, 4))))
    return Synthetic(code, related, cacheable=rng.random() < 0.4, body=klass != "1", meanings=meanings)


def code_sections(facts: Synthetic, codes: Sequence[int], rng: random.Random) -> list[Section]:
    """The section plan of one code page, with 3-6 cross-links to other codes."""
    wanted = min(len(codes) - 1, rng.randint(3, 6))
    targets = [c for c in rng.sample(codes, wanted + 1) if c != facts.code][:wanted]
    links = [Link(c) for c in targets]
    if len(links) >= 4:
        links[1] = Link(links[1].code, fragment="when")
        links[3] = Link(links[3].code, custom=True)
    sections = [
        Section("meaning", [Block("p", rng.randint(3, 5), tuple(links[:2])), Block("p", rng.randint(2, 4))]),
        Section("when", [Block("p", 2), Block("ul", rng.randint(3, 5), tuple(links[2:3]))]),
        Section("handling", [Block("p", rng.randint(3, 5), tuple(links[3:5]))]),
        Section("example", [Block("http", 0, text=http_example(facts.code, facts.meanings[0].phrase, rng))]),
    ]
    for meaning in facts.meanings:
        if meaning.id:
            sections.append(
                Section(
                    meaning.id,
                    [Block("p", rng.randint(2, 3))],
                    headings=(
                        f"The {meaning.vendor} meaning",
                        f"{meaning.vendor} 的含义",
                        f"Значение у {meaning.vendor}",
                    ),
                )
            )
            sections.append(Section(f"{meaning.id}-causes", [Block("p", 2)], level=3, headings=HEADINGS["causes"]))
    tail = links[5:]
    if str(facts.code)[0] in "45":
        sections.append(Section("causes", [Block("p", rng.randint(2, 4), tuple(tail))]))
    elif facts.meanings[0].former:
        sections.append(Section("history", [Block("p", rng.randint(2, 3), tuple(tail))]))
    else:
        other = targets[0]
        sections.append(
            Section(
                f"vs-{other}",
                [Block("p", rng.randint(2, 4), tuple(tail))],
                headings=(
                    f"{facts.code} or {other}?",
                    f"{facts.code} 还是 {other}？",
                    f"{facts.code} или {other}?",
                ),
            )
        )
    return sections


def fit(
    sections: list[Section], render_all: Callable[[], dict[str, str]], target: int, low: int = 2200, high: int = 3700
) -> dict[str, str]:
    """Grow or shrink paragraphs until the English body is about `target` bytes and every language's
    body is `low`..`high` bytes; return the bodies by language."""
    paragraphs = [b for s in sections for b in s.blocks if b.kind == "p"]
    texts = render_all()

    def sizes() -> dict[str, int]:
        return {lang: len(text.encode()) for lang, text in texts.items()}

    step = 0
    while (sizes()["en"] < target or min(sizes().values()) < low) and max(sizes().values()) < high - 150 and step < 60:
        for _ in range(max(1, (target - sizes()["en"]) // 150)):
            paragraphs[step % len(paragraphs)].size += 1
            step += 1
        texts = render_all()
    while max(sizes().values()) > high and any(b.size > 1 for b in paragraphs):
        max(paragraphs, key=lambda b: b.size).size -= 1
        texts = render_all()
    return texts


def code_toml(facts: Synthetic) -> str:
    """content/codes/<code>.toml."""
    lines = [
        f"code = {facts.code}",
        f"related = [{', '.join(map(str, facts.related))}]",
        f"cacheable = {str(facts.cacheable).lower()}",
        f"body = {str(facts.body).lower()}",
    ]
    for meaning in facts.meanings:
        lines += ["", "[[meaning]]"]
        if meaning.id:
            lines.append(f"id = {toml_str(meaning.id)}")
        lines += [f"phrase = {toml_str(meaning.phrase)}", f"status = {toml_str(meaning.status)}"]
        if meaning.status == "unofficial":
            lines += [
                f"vendor = {toml_str(meaning.vendor)}",
                f'source = "https://docs.example.com/{meaning.vendor.lower()}/status/{facts.code}"',
            ]
        else:
            lines += [f"spec = {toml_str(SPEC)}", f"section = {toml_str(meaning.section)}"]
            lines.append(f"former = [{', '.join(toml_str(f) for f in meaning.former)}]")
        if meaning.expires:
            lines.append(f"expires = {toml_str(meaning.expires)}")
    return "\n".join(lines) + "\n"


def page_text(meta: Sequence[tuple[str, str]], body: str, phrases: dict[str, str] | None = None) -> str:
    """A page file: +++ TOML front matter +++ then the body."""
    lines = ["+++", *(f"{key} = {toml_str(value)}" for key, value in meta)]
    if phrases:
        lines.append("[phrases]")
        lines += [f"{key} = {toml_str(value)}" for key, value in phrases.items()]
    lines.append("+++")
    return "\n".join(lines) + "\n" + body


def page_rng(seed: int, key: str, lang: str) -> random.Random:
    """A deterministic RNG per page and language."""
    return random.Random(f"{seed}:{key}:{lang}")


def write_code_pages(out: Path, facts: Synthetic, codes: Sequence[int], seed: int) -> None:
    """content/{en,zh,ru}/<code>.md for one code: 2-4 KB each, the same structure in every language."""
    key = str(facts.code)
    sections = code_sections(facts, codes, page_rng(seed, key, "plan"))
    target = page_rng(seed, key, "size").randint(2300, 3500)
    bodies = fit(sections, lambda: {lang: render(sections, lang, page_rng(seed, key, lang)) for lang in LANGS}, target)
    summary = summary_in("en", page_rng(seed, key, "summary"))
    (out / "content" / "en" / f"{key}.md").write_text(page_text([("summary", summary)], bodies["en"]), encoding="utf-8")
    stamp = source_hash("", summary, bodies["en"])
    for lang in LANGS[1:]:
        rng = page_rng(seed, key, f"{lang}:meta")
        phrase, local_summary = phrase_in(lang, rng), summary_in(lang, rng)
        phrases = {m.id: phrase_in(lang, rng) for m in facts.meanings[1:]}
        text = page_text(
            [("phrase", phrase), ("summary", local_summary), ("source_hash", stamp)], bodies[lang], phrases
        )
        (out / "content" / lang / f"{key}.md").write_text(text, encoding="utf-8")


def write_text_pages(out: Path, codes: Sequence[int], seed: int) -> None:
    """home.md and 1xx.md..5xx.md in every language."""
    firsts = [
        next(c for c in codes if str(c)[0] == str(i + 1))
        for i in range(len(CLASSES))
        if any(str(c)[0] == str(i + 1) for c in codes)
    ]
    pages: dict[str, tuple[tuple[str, str, str], list[Section]]] = {
        "home": (
            ("Synthetic HTTP status codes", "合成 HTTP 状态码", "Синтетические коды состояния HTTP"),
            [
                Section(
                    "about",
                    [
                        Block("p", 4, tuple(Link(c) for c in firsts[:3])),
                        Block("p", 3, tuple(Link(c) for c in firsts[3:])),
                    ],
                ),
            ],
        ),
    }
    for index, klass in enumerate(CLASSES):
        members = [c for c in codes if str(c)[0] == str(index + 1)]
        rng = page_rng(seed, klass, "plan")
        picks = tuple(Link(c) for c in rng.sample(members, min(3, len(members))))
        titles = (CLASS_TITLES["en"][index], CLASS_TITLES["zh"][index], CLASS_TITLES["ru"][index])
        pages[klass] = (
            titles,
            [
                Section("meaning", [Block("p", 5, picks[:1]), Block("p", 3)]),
                Section("unknown", [Block("p", 4, picks[1:2])]),
                Section("handling", [Block("p", 4, picks[2:]), Block("ul", 4)]),
            ],
        )
    for key, (titles, sections) in pages.items():
        summary = summary_in("en", page_rng(seed, key, "summary"))
        body = render(sections, "en", page_rng(seed, key, "en"))
        (out / "content" / "en" / f"{key}.md").write_text(
            page_text([("title", titles[0]), ("summary", summary)], body), encoding="utf-8"
        )
        stamp = source_hash(titles[0], summary, body)
        for column, lang in enumerate(LANGS[1:], start=1):
            rng = page_rng(seed, key, lang)
            meta = [("title", titles[column]), ("summary", summary_in(lang, rng)), ("source_hash", stamp)]
            (out / "content" / lang / f"{key}.md").write_text(
                page_text(meta, render(sections, lang, rng)), encoding="utf-8"
            )


def specs_toml() -> str:
    """content/specs.toml: one synthetic specification with a few sections per class."""
    lines = [
        f"[{toml_str(SPEC)}]",
        'title = "Synthetic Status Codes"',
        'url = "https://example.com/spec/syn-1"',
        "",
        f"[{toml_str(SPEC)}.sections]",
    ]
    for klass in range(1, 6):
        lines.append(f'"{klass}" = "{CLASSES[klass - 1]} codes"')
        lines += [f'"{klass}.{n}" = "Synthetic section {klass}.{n}"' for n in range(1, 11)]
    return "\n".join(lines) + "\n"


def constants_toml(codes: Sequence[int]) -> str:
    """content/constants.toml: two frameworks with constants for some codes."""
    picked = [c for c in codes if c % PER_CLASS < 20]
    lines = []
    for key, label, api, prefix in (
        ("python", "Python", "http.HTTPStatus", "HTTPStatus.S"),
        ("go", "Go", "net/http", "http.Status"),
    ):
        lines += [
            f"[{key}]",
            f'label = "{label}"',
            f'api = "{api}"',
            'source = "synthetic"',
            'version = "1.0"',
            "",
            f"[{key}.codes]",
        ]
        lines += [f'"{c}" = "{prefix}{c}"' for c in picked]
        lines.append("")
    return "\n".join(lines)


def prepare(out: Path, force: bool) -> None:
    """Create the output directory; replace it only if it is an earlier synthetic site."""
    if out.exists() and any(out.iterdir()):
        if not (force and (out / MARKER).is_file()):
            raise SystemExit(f"{out} is not empty (use --force to replace a synthetic site written earlier)")
        shutil.rmtree(out)
    for sub in ("codes", *LANGS):
        (out / "content" / sub).mkdir(parents=True, exist_ok=True)


def write_site(
    count: int, out: Path, *, seed: int = SEED, source: Path = PROJECT, force: bool = False, search: bool = False
) -> list[int]:
    """Write the whole synthetic project into `out`; return its codes."""
    prepare(out, force)
    codes = distribute(count)
    (out / MARKER).write_text(f"codes={count} seed={seed}\n", encoding="utf-8")
    (out / "site.toml").write_text(SITE_TOML.format(max_code=MAX_CODE, search=str(search).lower()), encoding="utf-8")
    (out / "content" / "specs.toml").write_text(specs_toml(), encoding="utf-8")
    (out / "content" / "constants.toml").write_text(constants_toml(codes), encoding="utf-8")
    for code in codes:
        facts = plan_facts(code, codes, page_rng(seed, str(code), "facts"))
        (out / "content" / "codes" / f"{code}.toml").write_text(code_toml(facts), encoding="utf-8")
        write_code_pages(out, facts, codes, seed)
    write_text_pages(out, codes, seed)
    for folder in ("templates", "locales"):
        shutil.copytree(source / folder, out / folder, dirs_exist_ok=True)
    return codes


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: --codes N --out DIR [--seed S] [--force] [--check]."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--codes", type=int, required=True, help="number of status codes (pages per language)")
    parser.add_argument("--out", type=Path, required=True, help="project directory to write")
    parser.add_argument("--seed", type=int, default=SEED, help="RNG seed (same seed, same bytes)")
    parser.add_argument("--force", action="store_true", help="replace a synthetic site written earlier into --out")
    parser.add_argument("--check", action="store_true", help="run `python -m generator check` on the result")
    parser.add_argument("--search", action="store_true", help="build the Pagefind search index too (Hugo builds none)")
    args = parser.parse_args(argv)
    codes = write_site(args.codes, args.out, seed=args.seed, force=args.force, search=args.search)
    print(f"wrote {len(codes)} codes x {len(LANGS)} languages into {args.out}")
    if args.check:
        command = [sys.executable, "-m", "generator", "--root", str(args.out.resolve()), "check"]
        return subprocess.run(command, cwd=PROJECT, check=False).returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
