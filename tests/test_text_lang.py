from papercards.text import cjk_ratio, has_cjk, is_cjk_char, normalize


def test_is_cjk_char():
    assert is_cjk_char("偏")
    assert is_cjk_char("\U00020000")            # extension B
    assert not is_cjk_char("。")                # punctuation carries no language
    assert not is_cjk_char("A")
    assert not is_cjk_char("中文")               # one character only


def test_has_cjk():
    assert has_cjk("DPO主要用于大模型微调")
    assert not has_cjk("Direct Preference Optimization (DPO)。")


def test_cjk_ratio_ignores_digits_spaces_punctuation():
    assert cjk_ratio("DPO 是一种方法") == 5 / 8
    assert cjk_ratio("") == 0.0
    assert cjk_ratio("4.5% ，。") == 0.0
    assert cjk_ratio("直接偏好优化") == 1.0


def test_normalize_compares_width_case_punctuation_and_spacing():
    assert normalize("ＮＳ－ＤＰＯ") == normalize("ns-dpo") == "ns dpo"
    assert normalize("DPO 是一种「方法」。") == normalize("dpo是一种方法")
    assert normalize("  Direct   Preference\nOptimization! ") == "direct preference optimization"
    assert normalize("end.Start") == "end start"
