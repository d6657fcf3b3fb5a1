"use strict";
// The console's one string table: Chinese (the default) and English, one
// language at a time. ?lang=en or ?lang=zh picks one and is remembered
// (localStorage), as is the header's switch. A string may be a function of
// its arguments.
const STRINGS = {
  zh: {
    title: "sharpeyes · 雪亮工程视频监控健康", tagline: "雪亮工程 · 视频监控健康", switchTo: "English",
    loading: "加载中…", token: "API令牌", save: "保存",
    downNow: "当前离线", searchPh: "搜索编号、名称或IP", allRegions: "全部区域", allMaintainers: "全部运维单位",
    longestFirst: "按离线时长排序", camera: "摄像机", region: "区域", maintainer: "运维单位", since: "起始",
    duration: "时长", reason: "原因", byTownship: "按街道统计", byMaintainer: "按运维单位统计", township: "街道",
    active: "已建", up: "在线", degraded: "异常", down: "离线", unknown: "未知", onlineRate: "在线率",
    buildout: "建设进度（按街道）", buildoutHint: "逾期：规划或在建且已过计划完成日期 · 待验收：在建且已在线",
    building: "在建", planned: "规划", retired: "撤除", total: "总数", overdue: "逾期", ready: "待验收", built: "建成率",
    totalRow: "合计", none: "（未分配）", unnamed: "（未命名）",
    back: "← 返回总览", record: "台账信息", silence: "维护静默", silenceFor: "时长", comment: "说明",
    silenceBtn: "静默告警", silenceHint: "静默期间不发送该摄像机的告警；需要运维（operator）令牌。",
    camOutages: "近30天离线记录", start: "开始", end: "结束", open: "未恢复",
    refreshNote: "每15秒刷新", timesIn: "时区",
    probed: (up, n) => `已探测 ${n} 台，在线 ${up} 台`, nothingProbed: "尚未探测",
    reachableUnhealthy: "可达但异常", openOutages: (n) => `${n} 起未恢复`, neverProbed: (n) => `${n} 台从未探测`,
    lastSweep: "最近巡检", noSweep: "尚未巡检", isolated: "采集端网络疑似中断",
    sweepAgo: (ago, took) => `${ago}前 · 用时 ${took} 秒`, staleSweep: (ago) => `已过期：${ago}前`,
    stale: "过期", staleSub: (d) => `超过 ${d} 未探测`,
    fleet: (c, a, b, p, r, ready) => `摄像机 ${c} 台 · 已建 ${a} · 在建 ${b} · 规划 ${p} · 撤除 ${r} · 待验收 ${ready}`,
    downTitle: (n) => `（${n} 台离线）`,
    showing: (k, n) => `显示离线最久的 ${k} 台（共 ${n} 起未恢复）；完整列表：api/v1/reports/outages?open=true&format=csv`,
    matching: (k, n) => `筛选出 ${k} / ${n} 台`,
    notProbedYet: "尚未探测：暂无摄像机状态", noneDown: "当前无离线摄像机", noMatch: "没有符合条件的离线摄像机",
    empty: "暂无摄像机，请先导入台账（sharpeyes import 文件）。", notLoaded: "未加载",
    unreachableServer: "无法连接服务器", tokenRejected: "令牌无效：请在右上角重新输入并保存。",
    tokenNeeded: "需要API令牌：请在右上角输入令牌并保存。", tokenLow: "令牌权限不足（至少需要 viewer 角色）。",
    serverDown: "无法连接服务器，显示的是上次数据。", partial: "部分数据加载失败：",
    updated: (t) => `已更新 ${t}`, updateFailed: (t) => `更新失败 ${t}`,
    state: "状态", stateSince: (t) => `自 ${t}`, notYetProbed: "尚未探测", lastProbe: "最近探测",
    latency: (ms) => `延迟 ${ms} ms`, failures: (n) => `连续失败 ${n} 次`, staleProbe: "探测已过期",
    avail7: "7天可用率", avail30: "30天可用率", outagesN: (n, mttr) => `离线 ${n} 次` + (mttr ? ` · 平均修复 ${mttr}` : ""),
    noMonitored: "无监测数据", noOutages: "近30天无离线记录", noCamera: "没有这台摄像机", loadingCam: "加载中…",
    id: "编号", name: "名称", address: "地址", probe: "检测方式", path: "路径", owner: "建设类型", lifecycle: "建设状态",
    uplink: "上联设备", location: "经纬度", installedAt: "建成日期", due: "计划完成", tags: "标签",
    silenced: (t) => `已静默至 ${t}`, silenceFailed: (m) => `静默失败：${m}`,
    silenceAuth: "需要运维（operator）令牌：请在右上角输入并保存。",
    units: { d: "天", h: "小时", m: "分", s: "秒" },
    states: { up: "在线", degraded: "异常", down: "离线", unknown: "未知" },
    owners: { police: "公安", government: "自建", social: "社会" },
    lifecycles: { planned: "规划", building: "在建", active: "已建", retired: "撤除" },
    reasons: {
      timeout: "超时", refused: "拒绝连接", unreachable: "不可达", dns: "域名解析失败",
      rtsp_401: "视频认证失败", rtsp_404: "视频路径不存在", rtsp_5xx: "视频服务错误",
      bad_response: "响应异常", clock_drift: "时钟偏差", no_video: "无视频", auth_downgrade: "拒绝降级认证",
    },
  },
  en: {
    title: "sharpeyes · camera health", tagline: "camera health", switchTo: "中文",
    loading: "loading…", token: "API token", save: "Save",
    downNow: "Down now", searchPh: "Search id, name or IP", allRegions: "All regions", allMaintainers: "All maintainers",
    longestFirst: "Longest first", camera: "Camera", region: "Region", maintainer: "Maintainer", since: "Since",
    duration: "Duration", reason: "Reason", byTownship: "Coverage by township", byMaintainer: "Coverage by maintainer",
    township: "Township", active: "Active", up: "Up", degraded: "Degraded", down: "Down", unknown: "Unknown",
    onlineRate: "Online rate", buildout: "Build-out by township",
    buildoutHint: "Overdue: planned or building, due date passed · Ready for acceptance: building and answering probes",
    building: "Building", planned: "Planned", retired: "Retired", total: "Total", overdue: "Overdue",
    ready: "Ready for acceptance", built: "Built", totalRow: "Total", none: "(none)", unnamed: "(unnamed)",
    back: "← Back to the overview", record: "Record", silence: "Maintenance silence", silenceFor: "For",
    comment: "Comment", silenceBtn: "Silence alerts",
    silenceHint: "No alerts for this camera while silenced; needs an operator token.",
    camOutages: "Outages in the last 30 days", start: "Start", end: "End", open: "open",
    refreshNote: "Refreshes every 15 s", timesIn: "times in",
    probed: (up, n) => `${up} of ${n} probed`, nothingProbed: "nothing probed yet",
    reachableUnhealthy: "reachable, unhealthy", openOutages: (n) => `${n} open outages`,
    neverProbed: (n) => `${n} never probed`, lastSweep: "Last sweep", noSweep: "no sweep yet",
    isolated: "collector isolated", sweepAgo: (ago, took) => `${ago} ago · took ${took} s`,
    staleSweep: (ago) => `stale: ${ago} ago`, stale: "Stale", staleSub: (d) => `not probed in ${d}`,
    fleet: (c, a, b, p, r, ready) => `${c} cameras · ${a} active · ${b} building · ${p} planned · ${r} retired · ${ready} ready for acceptance`,
    downTitle: (n) => `(${n} down) `,
    showing: (k, n) => `Showing the ${k} longest of ${n} open outages; the full list is at api/v1/reports/outages?open=true&format=csv`,
    matching: (k, n) => `${k} of ${n} match`,
    notProbedYet: "Not yet probed: no camera has a known state.", noneDown: "No camera is down.",
    noMatch: "No down camera matches.", empty: "No cameras yet: import the inventory (sharpeyes import FILE).",
    notLoaded: "Not loaded", unreachableServer: "server unreachable",
    tokenRejected: "The saved API token was rejected: enter a valid one at the top right and press Save.",
    tokenNeeded: "This server needs an API token: enter it at the top right and press Save.",
    tokenLow: "Your token may not read reports (viewer role or higher needed).",
    serverDown: "Cannot reach the sharpeyes server; showing the last data received.",
    partial: "Some data could not be loaded: ", updated: (t) => `updated ${t}`, updateFailed: (t) => `update failed at ${t}`,
    state: "State", stateSince: (t) => `since ${t}`, notYetProbed: "not yet probed", lastProbe: "Last probe",
    latency: (ms) => `latency ${ms} ms`, failures: (n) => `${n} failures in a row`, staleProbe: "probe is stale",
    avail7: "Availability 7d", avail30: "Availability 30d",
    outagesN: (n, mttr) => `${n} outages` + (mttr ? ` · MTTR ${mttr}` : ""), noMonitored: "not monitored",
    noOutages: "No outage in the last 30 days.", noCamera: "No such camera.", loadingCam: "loading…",
    id: "ID", name: "Name", address: "Address", probe: "Probe", path: "Path", owner: "Owner", lifecycle: "Lifecycle",
    uplink: "Uplink", location: "Location", installedAt: "Installed", due: "Due", tags: "Tags",
    silenced: (t) => `Silenced until ${t}`, silenceFailed: (m) => `Silence failed: ${m}`,
    silenceAuth: "Needs an operator token: enter it at the top right and press Save.",
    units: { d: "d", h: "h", m: "m", s: "s" },
    states: { up: "up", degraded: "degraded", down: "down", unknown: "unknown" },
    owners: { police: "police", government: "government", social: "social" },
    lifecycles: { planned: "planned", building: "building", active: "active", retired: "retired" },
    reasons: {
      timeout: "timeout", refused: "connection refused", unreachable: "unreachable", dns: "DNS failure",
      rtsp_401: "stream login refused", rtsp_404: "stream path missing", rtsp_5xx: "stream server error",
      bad_response: "bad response", clock_drift: "clock drift", no_video: "no video", auth_downgrade: "auth downgrade refused",
    },
  },
};

// The pages: lists, silences, month (SLA), build-out.
Object.assign(STRINGS.zh, {
  navHome: "总览", navLists: "离线与异常", navSilences: "维护静默", navMonth: "月度考核", navBuildout: "建设进度",
  degradedNow: "当前异常", all_region: "全部区域", all_owner: "全部建设类型", all_maintainer: "全部运维单位",
  all_uplink: "全部上联设备", groupByUplink: "按上联设备分组", csvView: "下载当前列表CSV", sortHint: "点击表头排序",
  firstN: (n) => `仅加载前 ${n} 台`, noneDegraded: "当前无异常摄像机", camerasN: (n) => `${n} 台`, durationS: "时长(秒)",
  needOperator: "权限不足（403）：创建或结束静默需要运维（operator）令牌。", silFailed: (m) => `操作失败：${m}`,
  silEnded: "静默已结束", silCreate: "创建静默", silWhat: "静默对象", silNew: "新建维护静默", silAuthor: "创建人",
  silHint: "时间按服务器时区；静默期间不发送告警，事件照常记录。需要运维（operator）令牌。",
  silNone: "暂无静默", silEndNow: "立即结束", silCancel: "取消",
  sil_camera_id: "摄像机", sil_region: "区域", sil_uplink: "上联设备", sil_maintainer: "运维单位",
  sil_active: "生效中", sil_scheduled: "未开始", sil_ended: "已结束",
  csvDownload: "下载CSV", availability: "可用率", outagesCol: "故障次数", mttr: "平均修复时长",
  overDeadline: "超时未修复", onlineNow: "当前在线率", month: "月份",
  monthHint: "可用率 = 在线时长 ÷ 监测时长（已建且已探测、未静默的时间）；无监测数据时为空。超时未修复：本月故障中持续时间超过修复时限的次数（未恢复的计至当前）。当前在线率为此刻数据。",
  monthNote: (m, from, to, d) => `${m}：${from} 至 ${to} · 修复时限 ${d}`,
  commissioned: "每月建成数量", overdueList: "逾期未建成", late: "逾期", noCommissioned: "暂无建成日期数据",
  noOverdue: "没有逾期的点位", daysN: (n) => `${n} 天`,
});
Object.assign(STRINGS.en, {
  navHome: "Overview", navLists: "Down & degraded", navSilences: "Silences", navMonth: "Month (SLA)", navBuildout: "Build-out",
  degradedNow: "Degraded now", all_region: "All regions", all_owner: "All owners", all_maintainer: "All maintainers",
  all_uplink: "All uplinks", groupByUplink: "Group by uplink", csvView: "Download this list (CSV)", sortHint: "Click a heading to sort",
  firstN: (n) => `only the first ${n} loaded`, noneDegraded: "No camera is degraded.", camerasN: (n) => `${n} cameras`, durationS: "Duration (s)",
  needOperator: "Not allowed (403): creating or ending a silence needs an operator token.", silFailed: (m) => `Failed: ${m}`,
  silEnded: "Silence ended", silCreate: "Create silence", silWhat: "Silenced", silNew: "New maintenance silence", silAuthor: "By",
  silHint: "Times are in the server's timezone; no alerts while silenced, events are still recorded. Needs an operator token.",
  silNone: "No silences.", silEndNow: "End now", silCancel: "Cancel",
  sil_camera_id: "camera", sil_region: "region", sil_uplink: "uplink", sil_maintainer: "maintainer",
  sil_active: "in force", sil_scheduled: "scheduled", sil_ended: "ended",
  csvDownload: "Download CSV", availability: "Availability", outagesCol: "Outages", mttr: "MTTR",
  overDeadline: "Over repair deadline", onlineNow: "Online rate now", month: "Month",
  monthHint: "Availability = time up ÷ time monitored (active, probed, not silenced); empty when nothing was monitored. Over repair deadline: outages of the month that lasted longer than the deadline (open ones until now). The online rate is of now.",
  monthNote: (m, from, to, d) => `${m}: ${from} to ${to} · repair deadline ${d}`,
  commissioned: "Commissioned per month", overdueList: "Overdue", late: "Late", noCommissioned: "No installation dates yet.",
  noOverdue: "Nothing is overdue.", daysN: (n) => `${n} days`,
});

const LANG_KEY = "sharpeyes.lang";
// pickLang: ?lang= first (and remembered), then the remembered choice, then Chinese.
function pickLang() {
  const q = new URLSearchParams(location.search).get("lang");
  let saved = null;
  try { saved = localStorage.getItem(LANG_KEY); } catch (_) { /* storage disabled */ }
  const l = q && STRINGS[q] ? q : saved && STRINGS[saved] ? saved : "zh";
  if (q && STRINGS[q]) try { localStorage.setItem(LANG_KEY, q); } catch (_) { /* storage disabled */ }
  return l;
}
let LANG = pickLang();
// t returns the string key in the current language (called with args when it is a function).
function t(key, ...args) {
  const v = STRINGS[LANG][key];
  if (v === undefined) return key;
  return typeof v === "function" ? v(...args) : v;
}
// applyLang writes the static strings of the page (data-i18n, data-i18n-ph).
function applyLang() {
  document.documentElement.lang = LANG === "zh" ? "zh-CN" : "en";
  for (const e of document.querySelectorAll("[data-i18n]")) e.textContent = t(e.dataset.i18n);
  for (const e of document.querySelectorAll("[data-i18n-ph]")) e.placeholder = t(e.dataset.i18nPh);
  const b = document.getElementById("lang");
  b.textContent = t("switchTo");
  b.lang = LANG === "zh" ? "en" : "zh-CN";
}
// setLang switches and remembers the language, and drops ?lang= from the address.
function setLang(l) {
  LANG = l;
  try { localStorage.setItem(LANG_KEY, l); } catch (_) { /* storage disabled */ }
  const u = new URL(location.href);
  if (u.searchParams.has("lang")) { u.searchParams.delete("lang"); history.replaceState(null, "", u); }
  applyLang();
}
// The map view's strings (map.js).
Object.assign(STRINGS.zh, {
  navMap: "地图", mapTitle: "摄像机地图", allStates: "全部状态", allOwners: "全部建设类型",
  allLifecycles: "全部建设状态", fitAll: "全部", zoomIn: "放大", zoomOut: "缩小", noCoords: (n) => `另有 ${n} 台无坐标`,
  tilesFailed: "地图瓦片无法加载，显示经纬网格", mapHint: "拖动平移，滚轮、按钮或双指缩放；点击摄像机打开其页面，点击聚合点放大。",
});
Object.assign(STRINGS.en, {
  navMap: "Map", mapTitle: "Camera map", allStates: "All states", allOwners: "All owners",
  allLifecycles: "All lifecycles", fitAll: "Fit", zoomIn: "Zoom in", zoomOut: "Zoom out", noCoords: (n) => `${n} more without coordinates`,
  tilesFailed: "map tiles unavailable, showing a grid of coordinates", mapHint: "Drag to pan; wheel, buttons or two fingers to zoom; click a camera to open its page, a cluster to zoom in.",
});
// The camera page's handling panel and timeline (app.js).
Object.assign(STRINGS.zh, {
  handling: "处置", ackBtn: "确认处理中", ackWithdraw: "撤销确认", acked: "已确认：值班人员可见有人在处理。", ackWithdrawn: "已撤销确认。",
  ackedBy: (by, at, c) => `${by} 于 ${at} 确认处理中${c ? "：" + c : ""}`, notAcked: "尚无人确认处理。", nothingToAck: "当前正常，无需确认。",
  probeNow: "立即探测", probing: "探测中…", probeVerdict: (v) => `探测结果：${v}（不记入状态）`,
  operatorNeeded: "需要运维（operator）令牌。", actionFailed: (m) => `操作失败：${m}`, last7d: "近7天（红色为离线）",
});
Object.assign(STRINGS.en, {
  handling: "Handling", ackBtn: "Acknowledge", ackWithdraw: "Withdraw", acked: "Acknowledged: the duty room sees someone is on it.", ackWithdrawn: "Acknowledgement withdrawn.",
  ackedBy: (by, at, c) => `${by} acknowledged at ${at}${c ? ": " + c : ""}`, notAcked: "Nobody has acknowledged it yet.", nothingToAck: "Nothing to acknowledge now.",
  probeNow: "Probe now", probing: "Probing…", probeVerdict: (v) => `Probe: ${v} (not recorded)`,
  operatorNeeded: "An operator token is needed.", actionFailed: (m) => `Failed: ${m}`, last7d: "Last 7 days (red: down)",
});
