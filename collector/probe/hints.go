package probe

import (
	"strconv"
	"strings"

	"github.com/sharpeyes/sharpeyes"
)

// probeHints tell the field technician what a failure reason usually means
// and what to check next, in Chinese (the default: the users are Chinese)
// and English (--lang en).
var probeHints = map[string]struct{ zh, en string }{
	sharpeyes.ReasonTimeout: {
		"超时无应答：设备断电、链路中断或防火墙丢弃了连接——请检查供电和上联（交换机/NVR/光纤），再ping设备",
		"no answer in time: the camera is off, its link is down or a firewall drops the traffic — check power and the uplink (switch/NVR/fibre), then ping it"},
	sharpeyes.ReasonRefused: {
		"连接被拒绝：设备在线但端口 {port} 无服务——请在摄像机网页中检查端口设置（RTSP默认554）",
		"connection refused: the camera is up but nothing listens on port {port} — check the ports in the camera's web page (RTSP is 554 by default)"},
	sharpeyes.ReasonUnreachable: {
		"网络不可达：本机到设备的网络中断或路由错误——请检查上联链路、网关和VLAN",
		"no route to the camera: the network between here and it is down or misrouted — check the uplink, the gateway and the VLAN"},
	sharpeyes.ReasonDNS: {
		"域名无法解析——请检查拼写，或直接使用设备的IP地址",
		"the host name does not resolve — check the spelling or use the camera's IP address"},
	sharpeyes.ReasonRTSP401: {
		"用户名或密码错误（或未配置）——请在摄像机网页中核对账号密码；多次失败可能导致账号被锁定",
		"wrong user name or password (or none configured) — check the credentials in the camera's web page; repeated failures may lock the account"},
	sharpeyes.ReasonRTSP404: {
		"码流路径错误——常见路径：海康 /Streaming/Channels/101，大华 /cam/realmonitor?channel=1&subtype=0",
		"wrong stream path — common ones: Hikvision /Streaming/Channels/101, Dahua /cam/realmonitor?channel=1&subtype=0"},
	sharpeyes.ReasonRTSP5xx: {
		"摄像机RTSP服务报错——可能取流连接数已满或服务故障：请稍后重试、重启设备或联系运维单位",
		"the camera's RTSP server reports an error — too many streams open or a fault: retry later, reboot the camera or call the maintainer"},
	sharpeyes.ReasonBadResponse: {
		"设备有应答但不符合协议——请确认该地址和端口确实是摄像机（而不是交换机或其他服务）",
		"the device answers, but not as a camera should — check that this address and port belong to the camera (not a switch or another service)"},
	sharpeyes.ReasonClockDrift: {
		"设备时钟偏差过大——请在摄像机网页中配置NTP校时，否则录像和取证时间不准",
		"the camera's clock is off — set NTP in its web page; recording and evidence timestamps are wrong until then"},
	sharpeyes.ReasonNoVideo: {
		"码流中没有视频轨道——请检查通道号和编码设置（视频可能被关闭）",
		"the stream has no video track — check the channel and the encoding settings (video may be switched off)"},
	sharpeyes.ReasonAuthDowngrade: {
		"设备只提供Basic认证，而该摄像机此前使用Digest：可能设备被替换或链路被劫持——未发送密码，请到现场核查",
		"the device offers only Basic login although this camera used Digest: it may have been replaced, or someone is in the path — no password was sent; check on site"},
	sharpeyes.ReasonHTTPStatus: {
		"网页服务返回了非预期的状态码——请检查路径和期望的状态码",
		"the web server answered with an unexpected status — check the path and the expected status"},
	ReasonProbeError: {
		"本机无法执行探测（目标无效、无ICMP权限或无可用端口）——未得到任何关于设备的信息",
		"the probe could not run here (invalid target, no ICMP permission, no free socket) — nothing was learnt about the camera"},
}

// Hint returns what a failure reason usually means and what to check
// next, in lang (zh, the default, or en), or "" for none, with {port}
// replaced by the probed port.
func Hint(reason, lang string, port int) string {
	h, ok := probeHints[reason]
	if !ok {
		return ""
	}
	text := h.zh
	if lang == "en" {
		text = h.en
	}
	return strings.ReplaceAll(text, "{port}", strconv.Itoa(port))
}
