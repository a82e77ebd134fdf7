(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("quiz-data").textContent);
  var total = data.questions.length;
  var state = {};               // question n -> true (right) / false (wrong)

  // Same comparison as papercards.quiz.normalize.key: NFKC, case, spaces, punctuation.
  function norm(s) {
    return String(s).normalize("NFKC").toLowerCase().replace(/[\s\p{P}\p{S}]/gu, "");
  }

  function section(q) { return document.getElementById("q" + q.n); }

  function finish(q, el, ok) {
    state[q.n] = ok;
    el.classList.add("answered");
    var fb = el.querySelector(".feedback");
    fb.hidden = false;
    fb.classList.add(ok ? "right" : "wrong");
    fb.querySelector(".verdict").textContent = ok ? "✓ Right 正确" : "✗ Not quite 错误";
    update();
  }

  function update() {
    var answered = 0, right = 0;
    Object.keys(state).forEach(function (k) { answered++; if (state[k]) right++; });
    document.getElementById("progress").textContent = answered + " / " + total;
    document.getElementById("live-score").textContent = right;
    var score = document.getElementById("score");
    score.textContent = right + " / " + total;
    var result = document.getElementById("result");
    var msg = document.getElementById("result-msg");
    if (answered === total) {
      result.classList.add("done");
      var pct = Math.round(100 * right / total);
      msg.textContent = right === total ? "Perfect score! 满分！" : "Done: " + pct + "% right. 完成。";
    } else {
      result.classList.remove("done");
      msg.textContent = (total - answered) + " question(s) left 题未答";
    }
  }

  function choose(q, el, button) {
    if (el.classList.contains("answered")) return;
    var picked = Number(button.getAttribute("data-i"));
    var ok = q.correct.indexOf(picked) >= 0;
    el.querySelectorAll(".opt").forEach(function (b) {
      var i = Number(b.getAttribute("data-i"));
      b.setAttribute("aria-pressed", i === picked ? "true" : "false");
      b.setAttribute("aria-disabled", "true");
      if (q.correct.indexOf(i) >= 0) b.classList.add("right");
      else if (i === picked) b.classList.add("wrong");
    });
    finish(q, el, ok);
  }

  function checkCloze(q, el) {
    if (el.classList.contains("answered")) return;
    var ok = true;
    el.querySelectorAll("input.blank").forEach(function (input) {
      var b = Number(input.getAttribute("data-b"));
      var accepted = (q.blanks[b] || []).map(norm);
      var good = input.value.trim() !== "" && accepted.indexOf(norm(input.value)) >= 0;
      input.readOnly = true;
      input.classList.add(good ? "right" : "wrong");
      input.setAttribute("aria-invalid", good ? "false" : "true");
      if (!good) {
        ok = false;
        var fix = document.createElement("span");
        fix.className = "fix";
        fix.textContent = "→ " + q.blanks[b][0];
        input.insertAdjacentElement("afterend", fix);
      }
    });
    finish(q, el, ok);
  }

  function checkMatch(q, el) {
    if (el.classList.contains("answered")) return;
    var ok = true;
    el.querySelectorAll("select").forEach(function (sel) {
      var row = Number(sel.getAttribute("data-row"));
      var good = sel.value !== "" && Number(sel.value) === q.match[row];
      sel.disabled = true;
      sel.classList.add(good ? "right" : "wrong");
      if (!good) {
        ok = false;
        var fix = document.createElement("span");
        fix.className = "fix";
        fix.textContent = "→ " + String.fromCharCode(65 + q.match[row]);
        sel.insertAdjacentElement("afterend", fix);
      }
    });
    finish(q, el, ok);
  }

  data.questions.forEach(function (q) {
    var el = section(q);
    if (!el) return;
    el.querySelectorAll(".opt").forEach(function (b) {
      b.addEventListener("click", function () { choose(q, el, b); });
    });
    var check = el.querySelector(".check");
    if (q.type === "cloze") {
      check.addEventListener("click", function () { checkCloze(q, el); });
      var inputs = el.querySelectorAll("input.blank");
      inputs.forEach(function (input, i) {
        input.addEventListener("keydown", function (ev) {
          if (ev.key !== "Enter") return;
          ev.preventDefault();
          if (i + 1 < inputs.length && inputs[i + 1].value === "") inputs[i + 1].focus();
          else checkCloze(q, el);
        });
      });
    } else if (q.type === "match") {
      check.addEventListener("click", function () { checkMatch(q, el); });
    }
  });

  document.getElementById("restart").addEventListener("click", function () {
    state = {};
    document.querySelectorAll(".q").forEach(function (el) {
      el.classList.remove("answered");
      var fb = el.querySelector(".feedback");
      fb.hidden = true;
      fb.classList.remove("right", "wrong");
      el.querySelectorAll(".fix").forEach(function (f) { f.remove(); });
      el.querySelectorAll(".opt").forEach(function (b) {
        b.classList.remove("right", "wrong");
        b.setAttribute("aria-pressed", "false");
        b.removeAttribute("aria-disabled");
      });
      el.querySelectorAll("input.blank").forEach(function (i) {
        i.value = ""; i.readOnly = false; i.classList.remove("right", "wrong"); i.removeAttribute("aria-invalid");
      });
      el.querySelectorAll("select").forEach(function (s) {
        s.value = ""; s.disabled = false; s.classList.remove("right", "wrong");
      });
    });
    update();
    window.scrollTo(0, 0);
  });

  var printKey = document.getElementById("print-key");
  var key = document.getElementById("key");
  var wasOpen = false;
  printKey.addEventListener("change", function () {
    document.body.classList.toggle("print-key", printKey.checked);
  });
  window.addEventListener("beforeprint", function () {
    wasOpen = key.open;
    if (printKey.checked) key.open = true;
  });
  window.addEventListener("afterprint", function () { key.open = wasOpen; });
  document.getElementById("print").addEventListener("click", function () { window.print(); });

  update();
})();
