/* The simulator page: pick a member, chat with the bot, press menu entries and card buttons,
   move the clock. Every action goes to /simulator/api/, which sends it to the bot exactly as
   WeCom would; replies come back from the fake WeCom API by polling. */
"use strict";

const API = "api/";
const POLL_MS = 700;
const el = (id) => document.getElementById(id);
// ?user=lisi opens that member's chat (handy for links and screenshots).
let current = new URLSearchParams(location.search).get("user") || localStorage.getItem("sim.user") || "";
let lastChat = "";
let lastUsers = "";
let busy = false;
let tz = "Asia/Shanghai";   // the organisation's time zone, from the server
// "chat": the chosen member's one-to-one chat with the app; "group": the group chat, where
// members @-mention the intelligent bot (sent to /wecom/aibot as WeCom would).
// ?view=group opens the group chat.
let view = (new URLSearchParams(location.search).get("view") || localStorage.getItem("sim.view")) === "group" ? "group" : "chat";
let groupAs = localStorage.getItem("sim.groupAs") || "";
let usersById = {};
const GROUP_HINT = "@面试助手 安排 张三 明天下午3点 面试官 李四";

async function api(path, body) {
  const opts = body === undefined ? {} : {
    method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)};
  const resp = await fetch(API + path, opts);
  const data = await resp.json().catch(() => ({}));
  if (!resp.ok) throw new Error(data.error || `HTTP ${resp.status}`);
  return data;
}

function toast(message) {
  const t = el("toast");
  t.textContent = message;
  t.classList.add("show");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => t.classList.remove("show"), 4000);
}

const ROLE_LABEL = {admin: "管理员 admin", hr: "HR", interviewer: "面试官 interviewer"};

function seen(userid) { return Number(localStorage.getItem("sim.seen." + userid) || 0); }

function renderMembers(users) {
  const key = JSON.stringify(users) + current + view;
  if (key === lastUsers) return;
  lastUsers = key;
  const list = el("members");
  list.innerHTML = "";
  for (const u of users) {
    const open = view === "chat" && u.userid === current;
    if (open) localStorage.setItem("sim.seen." + u.userid, u.received);
    const unread = open ? 0 : Math.max(0, u.received - seen(u.userid));
    const li = document.createElement("li");
    li.className = "member" + (open ? " active" : "");
    li.dataset.userid = u.userid;
    li.innerHTML = `<span class="avatar role-${u.role}">${escapeHtml(u.name.slice(-2))}</span>
      <span class="who"><span class="name">${escapeHtml(u.name)}</span>
      <span class="meta">${escapeHtml(u.userid)} · ${ROLE_LABEL[u.role] || u.role}</span></span>
      ${unread ? `<span class="badge">${unread}</span>` : ""}`;
    li.addEventListener("click", () => choose(u.userid, u.name));
    list.appendChild(li);
  }
  const me = users.find((u) => u.userid === current);
  el("group-entry").classList.toggle("active", view === "group");
  document.body.classList.toggle("group-view", view === "group");
  renderGroupAs(users);
  if (view === "group") {
    el("chat-title").textContent = "面试协调群 · 群聊";
    el("chat-sub").textContent = "群里 @面试助手 才会回复 · the bot answers only when @-mentioned";
    el("composer").placeholder = "在群里发言，@面试助手 叫机器人 · Enter 发送";
  } else {
    el("chat-title").textContent = "面试助手";
    el("chat-sub").textContent = me
      ? `你是 ${me.name}（${ROLE_LABEL[me.role] || me.role}）· you are ${me.userid}`
      : "选择左侧成员开始 · choose a member on the left";
    el("composer").placeholder = "输入消息，Enter 发送 · type a message, Enter sends";
  }
  document.body.classList.toggle("no-user", !me);
}

function renderGroupAs(users) {
  const select = el("group-as");
  if (!users.some((u) => u.userid === groupAs)) groupAs = current;
  select.innerHTML = users.map((u) =>
    `<option value="${escapeHtml(u.userid)}">${escapeHtml(u.name)}（${ROLE_LABEL[u.role] || u.role}）</option>`).join("");
  select.value = groupAs;
}

function renderClock(clock) {
  el("clock").textContent = new Date(clock.now).toLocaleString("zh-CN", {
    timeZone: clock.tz, weekday: "short", month: "numeric", day: "numeric",
    hour: "2-digit", minute: "2-digit"});
  const h = clock.offset_seconds / 3600;
  el("clock-offset").textContent = clock.adjustable
    ? (h ? `比真实时间快 ${h >= 48 ? (h / 24).toFixed(1) + " 天" : h.toFixed(1) + " 小时"}` : "真实时间 real time")
    : "真实时间（只有 demo 的时钟可调）";
  for (const b of document.querySelectorAll(".clock-step")) b.disabled = !clock.adjustable;
}

function renderMenu(menu) {
  const nav = el("menu");
  if (nav.childElementCount) return;
  for (const m of menu) {
    const b = document.createElement("button");
    b.className = "menu-entry";
    b.dataset.key = m.key;
    b.textContent = m.label;
    b.title = `click event, EventKey = "${m.key}"`;
    b.addEventListener("click", () => act({kind: "click", key: m.key}));
    nav.appendChild(b);
  }
}

function cardHtml(card, msg) {
  const parts = [];
  if (card.source && card.source.desc) parts.push(`<div class="card-source">${escapeHtml(card.source.desc)}</div>`);
  if (card.main_title) {
    if (card.main_title.title) parts.push(`<div class="card-title">${escapeHtml(card.main_title.title)}</div>`);
    if (card.main_title.desc) parts.push(`<div class="card-desc">${escapeHtml(card.main_title.desc)}</div>`);
  }
  if (card.emphasis_content && card.emphasis_content.title) {
    parts.push(`<div class="card-emphasis">${escapeHtml(card.emphasis_content.title)}
      <span>${escapeHtml(card.emphasis_content.desc || "")}</span></div>`);
  }
  if (card.quote_area && card.quote_area.quote_text) parts.push(`<div class="card-quote">${renderText(card.quote_area.quote_text)}</div>`);
  if (card.sub_title_text) parts.push(`<div class="card-sub">${renderText(card.sub_title_text)}</div>`);
  if (card.horizontal_content_list) {
    parts.push('<dl class="card-kv">' + card.horizontal_content_list.map((kv) =>
      `<dt>${escapeHtml(kv.keyname || "")}</dt><dd>${escapeHtml(kv.value || "")}</dd>`).join("") + "</dl>");
  }
  if (card.jump_list) {
    parts.push(card.jump_list.map((j) => `<div class="card-jump"><a href="${escapeHtml(j.url || "#")}" target="_blank" rel="noopener noreferrer">${escapeHtml(j.title || "")}</a></div>`).join(""));
  }
  if (card.button_list) {
    if (msg.replaced) {
      parts.push(`<div class="card-done">${escapeHtml(msg.replaced)}</div>`);
    } else {
      parts.push('<div class="card-buttons">' + card.button_list.map((b) =>
        `<button class="card-button style-${b.style || 1}" data-key="${escapeHtml(b.key || "")}">${escapeHtml(b.text || "")}</button>`).join("") + "</div>");
    }
  } else if (card.card_type === "vote_interaction" || card.card_type === "multiple_interaction") {
    parts.push('<div class="card-note">（投票/多选卡片在模拟器中只显示，不能提交）</div>');
  }
  return `<div class="card">${parts.join("")}</div>`;
}

function messageHtml(m) {
  if (m.from === "user") {
    if (m.kind === "text") return `<div class="bubble">${renderText(m.content)}</div>`;
    const what = m.kind === "click" ? "点击菜单" : m.kind === "button" ? "点击卡片按钮" : "事件";
    return `<div class="event-note">${what} · EventKey “${escapeHtml(m.content)}”</div>`;
  }
  if (m.kind === "markdown") return `<div class="bubble markdown">${renderMarkdown(m.content)}</div>`;
  if (m.kind === "template_card") return cardHtml(m.card, m);
  if (m.kind === "text") return `<div class="bubble">${renderText(m.content)}</div>`;
  return `<div class="bubble">[${escapeHtml(m.kind)}] ${escapeHtml(m.content)}</div>`;
}

function renderMessages(messages) {
  const key = current + JSON.stringify(messages);
  if (key === lastChat) return;
  lastChat = key;
  const box = el("messages");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  box.innerHTML = messages.length ? "" : '<div class="empty">还没有消息。试试发送「帮助」或点下方菜单。<br>No messages yet: send “help” or press a menu entry.</div>';
  let lastDay = "";
  for (const m of messages) {
    const at = new Date(m.at * 1000);
    const day = at.toLocaleDateString("zh-CN", {timeZone: tz, month: "long", day: "numeric", weekday: "short"});
    if (day !== lastDay) {
      lastDay = day;
      box.insertAdjacentHTML("beforeend", `<div class="day">${escapeHtml(day)}</div>`);
    }
    const row = document.createElement("div");
    const isEvent = m.from === "user" && m.kind !== "text";
    row.className = `msg ${m.from}${isEvent ? " event" : ""} kind-${m.kind}`;
    const time = at.toLocaleTimeString("zh-CN", {timeZone: tz, hour: "2-digit", minute: "2-digit"});
    row.innerHTML = (m.from === "bot" ? '<span class="avatar bot-avatar">面</span>' : "") +
      `<div class="body">${messageHtml(m)}<div class="time">${time}</div></div>`;
    for (const b of row.querySelectorAll(".card-button")) {
      b.addEventListener("click", () => act({kind: "button", key: b.dataset.key,
        task_id: m.card.task_id || "", card_type: m.card.card_type || "",
        response_code: m.response_code || ""}));
    }
    box.appendChild(row);
  }
  if (atBottom || messages.length) box.scrollTop = box.scrollHeight;
}

function renderGroup(g) {
  const key = "group:" + groupAs + JSON.stringify(g);
  if (key === lastChat) return;
  lastChat = key;
  const box = el("messages");
  box.innerHTML = g.messages.length ? "" : (g.enabled
    ? `<div class="empty">群里还没有消息。试试：${escapeHtml(g.hint || GROUP_HINT)}<br>No messages yet: @-mention the bot.</div>`
    : '<div class="empty">没有配置智能机器人（WECOM_AIBOT_TOKEN / WECOM_AIBOT_ENCODING_AES_KEY）。<br>No intelligent bot is configured.</div>');
  let lastDay = "";
  for (const m of g.messages) {
    const at = new Date(m.at * 1000);
    const day = at.toLocaleDateString("zh-CN", {timeZone: tz, month: "long", day: "numeric", weekday: "short"});
    if (day !== lastDay) {
      lastDay = day;
      box.insertAdjacentHTML("beforeend", `<div class="day">${escapeHtml(day)}</div>`);
    }
    const mine = m.from === "user" && m.userid === groupAs;
    const time = at.toLocaleTimeString("zh-CN", {timeZone: tz, hour: "2-digit", minute: "2-digit"});
    const row = document.createElement("div");
    row.className = `msg ${mine ? "user" : m.from === "bot" ? "bot" : "other"} kind-${m.kind}`;
    let avatar = "", sender = "";
    if (m.from === "bot") {
      avatar = '<span class="avatar bot-avatar">面</span>';
      sender = '<div class="sender">面试助手</div>';
    } else if (!mine) {
      const u = usersById[m.userid] || {};
      avatar = `<span class="avatar role-${escapeHtml(u.role || "")}">${escapeHtml((m.name || m.userid).slice(-2))}</span>`;
      sender = `<div class="sender">${escapeHtml(m.name || m.userid)}</div>`;
    }
    const content = m.from === "user" ? `<div class="bubble">${renderText(m.content)}</div>` : messageHtml(m);
    row.innerHTML = `${avatar}<div class="body">${sender}${content}<div class="time">${time}</div></div>`;
    box.appendChild(row);
  }
  if (g.messages.length) box.scrollTop = box.scrollHeight;
}

// The chosen member's WeCom calendar for a day: events and meetings the bot made there.
let lastCalendar = "";
function renderCalendar(cal) {
  const key = JSON.stringify(cal);
  if (key === lastCalendar) return;
  lastCalendar = key;
  if (!el("calendar-day").value) el("calendar-day").value = cal.day;
  const box = el("calendar");
  if (!cal.items.length) { box.innerHTML = `<li class="hint">无日程 · nothing on ${escapeHtml(cal.day)}</li>`; return; }
  box.innerHTML = cal.items.map((i) => {
    const link = i.link ? `<a href="${escapeHtml(i.link)}" target="_blank" rel="noopener">${escapeHtml(i.link)}</a>` : "";
    const answer = i.answer ? `<span class="cal-answer">${escapeHtml(i.answer)}</span>` : "";
    const kind = i.kind === "meeting" ? "会议 meeting" : "日程 event";
    const buttons = i.schedule_id ?
      `<div class="cal-rsvp"><button data-sid="${escapeHtml(i.schedule_id)}" data-status="2">接受 accept</button>` +
      `<button data-sid="${escapeHtml(i.schedule_id)}" data-status="4">拒绝 decline</button></div>` : "";
    return `<li class="cal-item"><div><b>${escapeHtml(i.start)}–${escapeHtml(i.end)}</b> ${escapeHtml(i.summary)}</div>` +
      `<div class="hint">${kind} ${answer}</div>${link}${buttons}</li>`;
  }).join("");
}

async function poll() {
  if (busy) return;
  busy = true;
  try {
    const s = await api("state?user=" + encodeURIComponent(view === "group" ? "" : current));
    tz = s.clock.tz;
    renderClock(s.clock);
    renderMenu(s.menu);
    if (!el("new-role").childElementCount) {
      for (const r of s.roles) el("new-role").insertAdjacentHTML("beforeend", `<option value="${r}">${ROLE_LABEL[r] || r}</option>`);
    }
    if (current && !s.users.some((u) => u.userid === current)) current = "";
    if (!current && s.users.length) {
      const hr = s.users.find((u) => u.role === "hr") || s.users[0];
      current = hr.userid;
      localStorage.setItem("sim.user", current);
    }
    usersById = Object.fromEntries(s.users.map((u) => [u.userid, u]));
    renderMembers(s.users);
    if (view === "group") renderGroup(await api("group"));
    else renderMessages(s.messages);
    if (current) renderCalendar(await api("calendar?user=" + encodeURIComponent(current) +
      (el("calendar-day").value ? "&day=" + el("calendar-day").value : "")));
  } catch (e) {
    toast("无法连接模拟器 · " + e.message);
  } finally {
    busy = false;
  }
}

async function act(body) {
  if (!current) { toast("先选择一个成员 · choose a member first"); return; }
  try {
    await api("send", {user: current, ...body});
  } catch (e) {
    toast("发送失败 · " + e.message);
  }
  setTimeout(poll, 150);
}

function choose(userid) {
  if (userid === current && view === "chat") return;
  view = "chat";
  localStorage.setItem("sim.view", view);
  current = userid;
  localStorage.setItem("sim.user", userid);
  lastChat = "";
  lastUsers = "";
  act({kind: "enter"});   // WeCom sends enter_agent when a member opens the app
  poll();
}

function chooseGroup() {
  if (view === "group") return;
  view = "group";
  localStorage.setItem("sim.view", view);
  lastChat = "";
  lastUsers = "";
  poll();
}

async function groupSay(text) {
  const who = el("group-as").value;
  if (!who) { toast("先添加一个成员 · add a member first"); return; }
  try {
    await api("group", {userid: who, text});
  } catch (e) {
    toast("发送失败 · " + e.message);
  }
  setTimeout(poll, 150);
}

function sendComposer() {
  const text = el("composer").value.trim();
  if (!text) return;
  el("composer").value = "";
  if (view === "group") groupSay(text);
  else act({kind: "text", text});
}

el("group-entry").addEventListener("click", chooseGroup);
el("group-as").addEventListener("change", () => {
  groupAs = el("group-as").value;
  localStorage.setItem("sim.groupAs", groupAs);
  lastChat = "";
  poll();
});
el("group-hint").addEventListener("click", () => {
  el("composer").value = GROUP_HINT;
  el("composer").focus();
});

el("send").addEventListener("click", sendComposer);
el("composer").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); sendComposer(); }
});
el("new-user").addEventListener("submit", async (e) => {
  e.preventDefault();
  try {
    const u = await api("users", {userid: el("new-userid").value, name: el("new-name").value,
                                  role: el("new-role").value});
    el("new-userid").value = "";
    el("new-name").value = "";
    toast(`已添加 ${u.name}（${u.role}）`);
    choose(u.userid);
  } catch (err) {
    toast("添加失败 · " + err.message);
  }
});
for (const b of document.querySelectorAll(".clock-step")) {
  b.addEventListener("click", async () => {
    try {
      const r = await api("clock", {step: b.dataset.step});
      renderClock(r.clock);
      setTimeout(poll, 300);
    } catch (e) {
      toast("时钟 · " + e.message);
    }
  });
}
poll();
setInterval(poll, POLL_MS);
el("calendar-day").addEventListener("change", () => { lastCalendar = ""; poll(); });
// Answering an event in the calendar: WeCom sends respond_schedule (without the answer).
el("calendar").addEventListener("click", (e) => {
  const b = e.target.closest("button[data-sid]");
  if (!b) return;
  lastCalendar = "";
  act({kind: "rsvp", schedule_id: b.dataset.sid, status: Number(b.dataset.status)});
});
