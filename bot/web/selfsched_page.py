"""The candidate page's HTML and words: one small server-rendered template, phone first, in
Chinese and English. It shows the company's wording and the slots, and nothing else: no
interviewer, no HR name, no other candidate."""
from __future__ import annotations

from flask import render_template_string

WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "选择面试时间", "length": "时长 {n} 分钟", "zone": "时间均为 {tz}",
        "book": "确认预约", "none": "暂时没有可选的时间，请联系招聘负责人。",
        "gone": "这个时间刚刚被占用，请另选一个。", "pick": "请先选择一个时间。",
        "done_title": "已预约", "done": "面试时间已确认：", "moved": "面试已改到：",
        "ics": "添加到日历（.ics）", "close": "稍后会有人与您联系。可以关闭此页面。",
        "404_title": "链接无效", "404": "这个链接无效。请检查是否完整复制，或联系招聘负责人。",
        "410_title": "链接已失效", "expired": "这个链接已过期。请联系招聘负责人获取新链接。",
        "used": "这个链接已经使用过。如需改期，请联系招聘负责人。",
        "429_title": "请求过多", "429": "请求太频繁，请稍后再试。",
        "400_title": "无法处理", "400": "页面已过期或请求不完整，请刷新后重试。",
        "error": "暂时无法预约：{why}", "lang": "English", "reschedule": "改约：请选择新的面试时间",
    },
    "en": {
        "title": "Pick an interview time", "length": "{n} minutes", "zone": "Times are in {tz}",
        "book": "Book this time", "none": "No time is open at the moment; please contact "
        "the recruiter.", "gone": "That time was just taken; please pick another.",
        "pick": "Please pick a time first.",
        "done_title": "Booked", "done": "Your interview is booked for:",
        "moved": "Your interview has moved to:", "ics": "Add to calendar (.ics)",
        "close": "We will be in touch. You may close this page.",
        "404_title": "Link not valid", "404": "This link is not valid. Check that it was "
        "copied in full, or contact the recruiter.",
        "410_title": "Link no longer valid", "expired": "This link has expired. Please ask "
        "the recruiter for a new one.", "used": "This link has already been used. To change "
        "the time, please contact the recruiter.",
        "429_title": "Too many requests", "429": "Too many requests; please try again later.",
        "400_title": "Cannot do that", "400": "The page is out of date or the request was "
        "incomplete; please reload and try again.",
        "error": "This time cannot be booked: {why}", "lang": "中文",
        "reschedule": "Reschedule: pick a new interview time",
    },
}

PAGE = """<!doctype html>
<html lang="{{ 'zh-CN' if lang == 'zh' else 'en' }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>{{ title }}</title>
<style>
  :root { color-scheme: light; --accent: #07c160; --ink: #1f2329; --muted: #646a73; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 16px/1.5 -apple-system, "PingFang SC", "Microsoft YaHei",
         "Noto Sans CJK SC", sans-serif; color: var(--ink); background: #f5f6f7; }
  main { max-width: 520px; margin: 0 auto; padding: 20px 16px 40px; }
  h1 { font-size: 22px; margin: 8px 0 4px; }
  .wording { margin: 8px 0 12px; white-space: pre-line; }
  .meta { color: var(--muted); font-size: 14px; margin: 0 0 16px; }
  .note { background: #fff4e5; border-radius: 8px; padding: 10px 12px; margin: 0 0 16px; }
  h2 { font-size: 15px; color: var(--muted); margin: 18px 0 8px; font-weight: 600; }
  .slots { display: grid; grid-template-columns: repeat(auto-fill, minmax(120px, 1fr));
           gap: 8px; }
  .slot input { position: absolute; opacity: 0; }
  .slot span { display: block; text-align: center; padding: 12px 4px; background: #fff;
               border: 1px solid #dee0e3; border-radius: 8px; font-size: 17px; }
  .slot input:checked + span { border-color: var(--accent); background: #e8f8ef;
                               font-weight: 600; }
  .slot input:focus-visible + span { outline: 2px solid var(--accent); }
  /* The button stays in reach under a long list of slots. */
  button { position: sticky; bottom: 12px; width: 100%; margin-top: 20px; padding: 14px;
           font-size: 17px; color: #fff; background: var(--accent); border: 0;
           border-radius: 8px; box-shadow: 0 2px 8px rgba(0, 0, 0, .15); }
  .card { background: #fff; border-radius: 12px; padding: 18px 16px; }
  .when { font-size: 20px; font-weight: 600; margin: 6px 0 14px; }
  a.ics { display: block; text-align: center; padding: 12px; border: 1px solid var(--accent);
          border-radius: 8px; color: var(--accent); text-decoration: none; }
  .lang { float: right; font-size: 14px; color: var(--muted); }
</style>
</head>
<body>
<main>
{% if lang_link %}<a class="lang" href="{{ lang_link }}">{{ w.lang }}</a>{% endif %}
{% if state == "pick" %}
  <h1>{{ w.reschedule if reschedule else w.title }}</h1>
  <p class="wording">{{ wording }}</p>
  <p class="meta">{{ length }} · {{ zone }}</p>
  {% if note %}<p class="note" role="alert">{{ note }}</p>{% endif %}
  {% if days %}
  <form method="post" action="{{ action }}">
    <input type="hidden" name="csrf" value="{{ csrf }}">
    <input type="hidden" name="lang" value="{{ lang }}">
    {% for day, items in days %}
      <h2>{{ day }}</h2>
      <div class="slots">
      {% for slot_id, label in items %}
        <label class="slot"><input type="radio" name="slot" value="{{ slot_id }}"
          required><span>{{ label }}</span></label>
      {% endfor %}
      </div>
    {% endfor %}
    <button type="submit" id="book">{{ w.book }}</button>
  </form>
  {% else %}
  <p class="note">{{ w.none }}</p>
  {% endif %}
{% elif state == "done" %}
  <div class="card">
    <h1>{{ w.done_title }}</h1>
    <p>{{ w.moved if reschedule else w.done }}</p>
    <p class="when" id="booked">{{ when }}</p>
    <a class="ics" href="{{ ics }}" download>{{ w.ics }}</a>
    <p class="meta" style="margin-top: 14px">{{ w.close }}</p>
  </div>
{% else %}
  <div class="card"><h1>{{ title }}</h1><p id="message">{{ message }}</p></div>
{% endif %}
</main>
</body>
</html>
"""


def render(**values: object) -> str:
    """The page (autoescaped: every value is text, never markup)."""
    return render_template_string(PAGE, **values)
