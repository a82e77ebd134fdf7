"""Function words that must never become a cloze blank (and do not count as content).

Hand-kept and short on purpose: a blank on 的 or "the" is a defect, while a
missing stopword here only makes a weak blank possible, which the cloze
ranking (longest, rarest words first) already avoids. Chinese entries are
function words and the grammatical glue of technical prose (进行, 通过, 可以);
English entries are the usual closed-class words plus filler verbs.
"""

from __future__ import annotations

ZH_STOPWORDS = frozenset("""
的 地 得 了 着 过 和 与 及 或 是 在 对 把 被 将 从 向 为 以 于 由 也 都 就 而 且 但 并 又 还 再
很 更 最 太 不 没 无 非 未 其 之 此 该 这 那 哪 谁 啥 么 吗 呢 吧 啊 呀 哦 嘛 个 些 种 每 各 某
我 你 他 她 它 们 您 自 己 让 使 给 用 来 去 到 上 下 中 内 外 里 前 后 间 时 等 如 若 则 即 既
所 能 会 要 可 应 该 需 已 曾 正 才 只 仅 就 亦 乃 因 故 虽 然 如 比 跟 同 往 向 至 按 据 经 靠
一 二 两 几 多 少 大 小 新 好 高 低 第 做 有 说 看 让
我们 你们 他们 她们 它们 自己 这个 那个 这些 那些 这种 那种 这样 那样 这里 那里 这是 那是 什么 怎么
怎样 如何 为何 为什么 哪些 哪个 以及 并且 而且 或者 还是 但是 然而 不过 因为 所以 因此 于是 如果 虽然
尽管 即使 只要 只有 除了 关于 对于 通过 根据 按照 由于 为了 以便 以免 其中 之间 之中 之后 之前 以后
以前 以上 以下 之一 一种 一个 一些 一直 一起 一样 一般 可以 可能 能够 应该 需要 必须 已经 曾经 正在
进行 使用 利用 采用 具有 存在 没有 不是 就是 也是 还是 都是 只是 而是 来说 来看 起来 出来 下来 上来
之外 此外 另外 同时 非常 比较 更加 十分 特别 尤其 主要 一定 其他 其它 各种 所有 任何 每个 整个 大量
有助于 有利于 相当于 在于 处于 至于 等于 大于 小于 用于 基于 属于 相关 不同 更多 相比 所示 即可 之下 这一 那一 该种 本文 文章 作者 工作 方法 问题 方面 情况 结果 过程 表明 提出 实现 提供 研究 进一步
""".split())

EN_STOPWORDS = frozenset("""
a an the and or but nor so yet for of in on at to from by with without within into onto upon over under
about above below between among through during before after since until while as than then there here
is are was were be been being am do does did doing done have has had having will would shall should can
could may might must ought need not no yes also too very just only even still already again ever never
it its it's this that these those they them their theirs we us our ours you your yours he him his she her
i me my mine which who whom whose what when where why how whether if else each every either neither both
all any some such many much more most less least few several other another same own one ones two three
via per etc e.g i.e et al vs thus hence however moreover furthermore therefore although though because
use used uses using make makes made show shows shown propose proposes proposed paper work works result results
method methods approach approaches new based well like also can't cannot won't don't doesn't isn't aren't
""".split())


def is_stopword(word: str) -> bool:
    """True for a function word in either language (English compared case-insensitively)."""
    w = word.strip()
    return w in ZH_STOPWORDS or w.casefold() in EN_STOPWORDS
