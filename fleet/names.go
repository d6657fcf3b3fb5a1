package fleet

// district is one level-1 region of the generated inventory: its name, its
// GB/T 28181 region code (the first six digits of its camera ids) and the
// townships (streets, towns) under it.
type district struct {
	name, code string
	townships  []string
}

// zhuzhou are the urban districts of Zhuzhou, Hunan, over which a fleet
// without Config.Region is spread.
var zhuzhou = []district{
	{"荷塘区", "430202", []string{"月塘街道", "茨菇塘街道", "宋家桥街道", "桂花街道", "金山街道", "明照街道", "仙庾镇"}},
	{"芦淞区", "430203", []string{"建宁街道", "贺家土街道", "庆云街道", "龙泉街道", "枫溪街道", "白关镇"}},
	{"石峰区", "430204", []string{"清水塘街道", "响石岭街道", "井墈街道", "田心街道", "铜塘湾街道", "龙头铺街道"}},
	{"天元区", "430211", []string{"嵩山路街道", "泰山路街道", "栗雨街道", "马家河街道", "群丰镇", "雷打石镇"}},
	{"渌口区", "430212", []string{"渌口镇", "南洲镇", "淦田镇", "龙船镇", "朱亭镇"}},
}

// genericTownships are the townships of a district named by Config.Region.
var genericTownships = []string{"东城街道", "西城街道", "南湖街道", "北山街道", "中心街道", "新港镇", "青山镇", "白石镇"}

// regionCode is the region code of the ids of a district named by
// Config.Region.
const regionCode = "430202"

// maintainers are the maintenance contractors, one per township in turn.
var maintainers = []string{"湖南联通运维", "移动政企运维", "株洲电信运维", "荷塘区信息中心", "华安安防服务"}

// places name where a camera hangs, for camera names.
var places = []string{"路口", "小区门口", "学校周边", "菜市场", "公交站", "医院门口", "广场", "商业街", "河堤", "停车场"}

// Sizes of the generated hierarchy: about this many cameras per district
// (up to the list above), township, grid and uplink switch.
const (
	camerasPerDistrict = 200
	camerasPerTownship = 120
	camerasPerGrid     = 60
	camerasPerUplink   = 40
)

// Paths of the generated cameras per probe kind.
const (
	rtspPath  = "/Streaming/Channels/101"
	onvifPath = "/onvif/device_service"
	httpPath  = "/"
)

// districts returns the districts a fleet of n cameras is spread over.
func districts(region string, n int) []district {
	if region != "" {
		return []district{{name: region, code: regionCode, townships: genericTownships}}
	}
	d := min(max(ceilDiv(n, camerasPerDistrict), 1), len(zhuzhou))
	return zhuzhou[:d]
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// split returns parts sizes that sum to n and differ by at most one.
func split(n, parts int) []int {
	out := make([]int, parts)
	for i := range out {
		out[i] = n / parts
		if i < n%parts {
			out[i]++
		}
	}
	return out
}
