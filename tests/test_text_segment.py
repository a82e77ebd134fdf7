import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from papercards.text import Segmenter, words
from papercards.text import segment as segment_module

NOTES = Path(__file__).resolve().parents[1] / "source" / "iclr2025-dpo.md"
TERMS = ["NS-DPO", "Dr. DPO", "multi-armed bandit", "直接偏好优化", "非平稳性", "多臂老虎机", "DPO",
         "RLHF", "UNA", "Direct Preference Optimization", "DPO-COV", "RLHF/PPO"]


def test_terms_come_out_whole():
    seg = Segmenter(TERMS)
    cut = seg.cut("提出了非平稳直接偏好优化 （NS-DPO）, Distributionally Robustifying DPO (Dr. DPO), "
                  "multi-armed bandit多臂老虎机(MAB), direct preference optimization, RLHF/PPO、DPO-COV 非平稳性")
    for term in ["NS-DPO", "Dr. DPO", "multi-armed bandit", "直接偏好优化", "多臂老虎机", "RLHF/PPO",
                 "DPO-COV", "非平稳性", "direct preference optimization"]:
        assert term in cut, term


def test_without_terms_jieba_breaks_them():
    cut = Segmenter().cut("NS-DPO 和 Dr. DPO")
    assert "NS-DPO" not in cut and "Dr. DPO" not in cut


def test_acronyms_are_case_sensitive_and_whole_words():
    seg = Segmenter(["UNA", "DPO", "LLM"])
    cut = seg.cut("una UNA DPOX LLMs NS-DPO1")
    assert "una" in cut and "UNA" in cut
    assert "DPOX" in cut                       # not DPO + X
    assert "LLMs" in cut                       # a plural is not the term
    seg2 = Segmenter(["NS-DPO"])
    assert seg2.cut("NS-DPO1")[:2] == ["NS-DPO", "1"]   # a footnote mark may follow


def test_terms_with_flexible_inner_whitespace():
    seg = Segmenter(["multi-armed bandit"])
    assert "multi-armed\nbandit" in seg.cut("a multi-armed\nbandit problem")


def test_user_words_do_not_leak_between_segmenters():
    a = Segmenter(["在线采样器"])
    b = Segmenter()
    assert "在线采样器" in a.cut("文章提出的在线采样器实现二次收敛")
    assert "在线采样器" not in b.cut("文章提出的在线采样器实现二次收敛")
    import jieba
    assert "在线采样器" not in jieba.dt.FREQ     # the global tokenizer is untouched


def test_add_terms_and_with_terms():
    seg = Segmenter()
    seg.add_terms(["非平稳性"])
    assert "非平稳性" in seg.cut("在非平稳性下")
    other = seg.with_terms(["偏好漂移"])
    assert "偏好漂移" in other.cut("模拟偏好漂移")
    assert "偏好漂移" not in seg.cut("模拟偏好漂移")
    assert seg.terms == frozenset({"非平稳性"})


def test_numbers_with_units_stay_whole():
    assert "4.5%" in Segmenter().cut("提高了 4.5%，")


def test_words_drop_space_and_punctuation():
    assert words("DPO 是一种方法，很好。") == ["DPO", "是", "一种", "方法", "很", "好"]
    assert Segmenter(["NS-DPO"]).words("(NS-DPO) 应用") == ["NS-DPO", "应用"]


def test_whole_file_round_trips():
    seg = Segmenter(TERMS)
    for line in NOTES.read_text(encoding="utf-8").splitlines():
        assert "".join(seg.cut(line)) == line


@settings(max_examples=200, deadline=None, derandomize=True, database=None)   # the same examples in every run
@given(st.text(alphabet=st.sampled_from(list("直接偏好优化非平稳性的了DPO-NS. \n\t\r好ab1%（）\ue000\uf000")) | st.characters(),
               max_size=60))
def test_cut_concatenates_back(text):
    seg = Segmenter(TERMS)
    assert "".join(seg.cut(text)) == text


def test_jieba_is_quiet_in_process(capfd):
    segment_module._base = None              # force a new load in this process
    Segmenter(["DPO"]).cut("直接偏好优化")
    out, err = capfd.readouterr()
    assert err == "" and out == ""
    assert logging.getLogger("jieba").level >= logging.WARNING


def test_jieba_is_quiet_from_cold_cache(tmp_path):
    code = "from papercards.text import Segmenter; print('|'.join(Segmenter(['NS-DPO']).cut('非平稳 NS-DPO')))"
    env = dict(os.environ, TMPDIR=str(tmp_path))           # no jieba cache yet
    for _ in range(2):                                      # cold, then from the cache
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                             timeout=60)
        assert run.returncode == 0, run.stderr
        assert run.stderr == ""
        assert run.stdout.strip() == "非|平稳| |NS-DPO"


def test_importing_papercards_text_does_not_import_jieba():
    code = textwrap.dedent("""
        import sys
        import papercards, papercards.text
        from papercards.text import Segmenter, make_cloze, render_inline
        assert "jieba" not in sys.modules, "jieba imported too early"
        Segmenter().cut("中文")
        assert "jieba" in sys.modules
    """)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr


def test_jieba_loads_without_pkg_resources():
    """Every build loads jieba; setuptools' pkg_resources, which jieba would import only
    to open its own files, costs 0.1 s of it and is left out (jieba then opens them by path)."""
    import subprocess
    import sys
    code = ("import sys; from papercards.text.segment import Segmenter; "
            "assert Segmenter().cut('直接偏好优化') == ['直接', '偏好', '优化']; "
            "assert 'pkg_resources' not in sys.modules; import pkg_resources")
    subprocess.run([sys.executable, "-W", "ignore", "-c", code], check=True)


def test_pos_tags_loads_in_a_fresh_process_without_waiting_on_itself():
    """The tagger loads the base dictionary first: under the same lock it would wait forever."""
    import subprocess
    import sys
    code = "from papercards.text.segment import pos_tags; print(pos_tags('训练越久概率下降')[-1])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "下降" in out.stdout, out.stderr


def test_pos_tags_reads_the_dictionarys_tags_once_per_process():
    """Importing jieba.posseg reads the default dictionary's tags (0.17 s); the tagger over
    papercards' tokenizer takes that table instead of reading it a second time, and tags
    as a tagger loaded its own way does."""
    import subprocess
    import sys
    code = (
        "import jieba.posseg as ps\n"
        "reads = []\n"
        "load = ps.POSTokenizer.load_word_tag\n"
        "ps.POSTokenizer.load_word_tag = lambda self, f: (reads.append(1), load(self, f))[1]\n"
        "from papercards.text.segment import base_tokenizer, pos_tags\n"
        "text = '**NLL项非常关键**，训练越久chosen的概率也会下降'\n"
        "tags = pos_tags(text)\n"
        "assert not reads, f'the tags were read again {len(reads)} time(s)'\n"
        "own = ps.POSTokenizer(base_tokenizer())\n"
        "assert tags == [(p.word, p.flag) for p in own.cut(text)], tags\n"
        "print('ok')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "ok" in out.stdout, out.stderr
