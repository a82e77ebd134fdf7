"""A hand-built quiz for the renderer tests: every question type, both languages,
inline Markdown, math and LaTeX fragments, long Chinese text, and enough
questions to span several pages."""

from __future__ import annotations

from papercards.items.model import PaperInfo
from papercards.quiz.model import TRUE_FALSE, Question, Quiz

PAPERS = {
    "9Hxdixed7p": PaperInfo(key="9Hxdixed7p", short="3D-Properties",
                            title="3D-Properties: Identifying Challenges in DPO and Charting a Path Forward",
                            title_zh="3D 属性：识别 DPO 中的挑战并规划前进道路"),
    "PabAln0jjB": PaperInfo(key="PabAln0jjB", short="NS-DPO",
                            title="Right Now, Wrong Then: Non-Stationary Direct Preference Optimization "
                                  "under Preference Drift",
                            title_zh="偏好漂移下的非平稳直接偏好优化"),
    "F6z3utfcYw": PaperInfo(key="F6z3utfcYw", short="Crucial Role of Samplers in Online DPO",
                            title="The Crucial Role of Samplers in Online Direct Preference Optimization",
                            title_zh="采样器在在线直接偏好优化中的关键作用"),
    "drdpo": PaperInfo(key="drdpo", short="Dr. DPO",
                       title="Towards Robust Alignment of Language Models: Distributionally "
                             "Robustifying Direct Preference Optimization",
                       title_zh="迈向语言模型的稳健对齐：分布稳健化直接偏好优化"),
}

LONG_ZH = ("学习到的偏好可能会随时间推移而改变，于是当时的错误可能现在就是正确的：当前的偏好算法在建模中"
           "没有考虑时间偏好偏移，因此作者使用动态的Bradley-Terry模型，通过瞬时奖励函数对偏好进行建模，"
           "并在损失函数中引入discount参数，按比例把学习集中在与时间相关的更多数据点上。"
           "以上描述的是哪一种方法？")


def _mcq(n, prompt, options, correct, paper=None, explanation=""):
    return Question(id=f"mcq-{n}", type="mcq", prompt=prompt, options=options, correct=[correct],
                    sources=[f"{paper or 'term'}/x/{n}"], paper=paper, explanation=explanation)


def _tf(n, prompt, true, paper=None, explanation=""):
    return Question(id=f"tf-{n}", type="tf", prompt=prompt, options=list(TRUE_FALSE),
                    correct=[0 if true else 1], sources=[f"{paper}/x/{n}"], paper=paper,
                    explanation=explanation)


def questions() -> list[Question]:
    qs = [
        _mcq(1, "**DPO** 的中文是？", ["近端策略优化", "直接偏好优化", "基于人类反馈的强化学习", "分布稳健优化"], 1,
             explanation="DPO = Direct Preference Optimization · 直接偏好优化"),
        _mcq(2, "Which paper proposes **NS-DPO**? 哪篇论文提出了 NS-DPO？",
             [PAPERS[k].title for k in ("9Hxdixed7p", "PabAln0jjB", "F6z3utfcYw", "drdpo")], 1,
             paper="PabAln0jjB"),
        _mcq(3, r"In the DPO loss, what does $\beta$ control? 损失中的 $\beta$ 控制什么？",
             ["the strength of the KL constraint to the reference policy 与参考策略的 KL 约束强度",
              "the learning rate 学习率", "the number of sampled responses 采样的回答数",
              "the discount of old preferences 旧偏好的折扣"], 0, paper="9Hxdixed7p"),
        _mcq(4, LONG_ZH, ["NS-DPO", "Dr. DPO", "DPO-COV", "Online DPO"], 0, paper="PabAln0jjB"),
        Question(id="cloze-5", type="cloze", prompt="文章提出的{{1}}实现{{2}}，均匀采样只有线性收敛。",
                 blanks=[["在线采样器", "online sampler"], ["二次收敛", "quadratic convergence"]],
                 sources=["F6z3utfcYw/cloze/84f94942"], paper="F6z3utfcYw",
                 explanation="文章提出的在线采样器实现二次收敛，均匀采样只有线性收敛。"),
        Question(id="cloze-6", type="cloze",
                 prompt=r"The \textbf{3D}-properties include a {{1}} drop in the likelihood of rejected responses.",
                 blanks=[["drastic", "急剧"]], sources=["9Hxdixed7p/claim/1"], paper="9Hxdixed7p"),
        Question(id="match-7", type="match", prompt="Match each term with its Chinese name. 将术语与中文名称配对。",
                 pairs=[("DPO", "直接偏好优化"), ("RLHF", "基于人类反馈的强化学习"), ("PPO", "近端策略优化"),
                        ("MAB", "多臂老虎机"), ("non-stationarity", "非平稳性"), ("preference drift", "偏好偏移")],
                 right_order=[3, 0, 5, 1, 4, 2], sources=["term/dpo", "term/rlhf"], paper=None),
        _tf(8, "**NS-DPO** 使用指数加权（exponential reweighting）处理偏好漂移。", True, paper="PabAln0jjB"),
        _tf(9, "Dr. DPO was proposed in *The Crucial Role of Samplers in Online DPO*.", False, paper="drdpo",
            explanation="Dr. DPO comes from *Towards Robust Alignment of Language Models*."),
        _mcq(10, r"Which inequality shows the loss with `$x$` price 5$? $\mathcal{L}_{DPO} \le \log\sigma(\beta r)$",
             ["# not markup *", "[link](x) _under_", r"\begin{matrix} a \end{matrix}", "<b>html</b> & @ref"], 2),
    ]
    # more questions so the quiz runs over several pages
    for i in range(11, 31):
        if i % 3 == 0:
            qs.append(Question(id=f"cloze-{i}", type="cloze",
                               prompt=f"第{i}题：选择和拒绝响应的{{{{1}}}}之间的相互作用会导致训练不稳定。",
                               blanks=[["梯度", "gradient", "gradients"]], sources=[f"9Hxdixed7p/claim/{i}"],
                               paper="9Hxdixed7p"))
        else:
            qs.append(_mcq(i, f"第{i}题：Which method reweights preferences over time? 哪种方法随时间重新加权偏好？",
                           ["NS-DPO", "Dr. DPO", "3D-DPO", "IPO"], i % 4, paper="PabAln0jjB"))
    for i, q in enumerate(qs, 1):
        q.number = i
    return qs


def make_quiz(version: str = "A") -> Quiz:
    return Quiz(title="ICLR 2025 DPO 论文测验", version=version, seed=7, direction="mixed",
                questions=questions(), papers=dict(PAPERS))


def shipped_quiz(root, questions: int = 16, seed: int = 7) -> Quiz:
    """Version A of a quiz made from the shipped notes, built into a fresh project at ``root``."""
    import shutil

    from conftest import ROOT, SHIPPED

    from papercards.build import build
    from papercards.config import load_config
    from papercards.quiz.compose import make_quiz as compose
    from papercards.quiz.model import QuizOptions
    from papercards.quiz.pool import load_pool

    (root / "source").mkdir(parents=True)
    shutil.copy(SHIPPED, root / "source" / SHIPPED.name)
    shutil.copy(ROOT / "papercards.yaml", root / "papercards.yaml")
    config = load_config(root)
    build(config)
    pool = load_pool(config.cards_path)
    return compose(pool, QuizOptions(questions=questions, seed=seed, title="ICLR 2025 DPO 论文测验"))[0]
