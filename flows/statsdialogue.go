package flows

import (
	"context"
	"log/slog"

	"frontdoor/flows/directory"
	"frontdoor/flows/logattr"
)

// statsMonths is how many months /stats shows: those before the current
// one, which is still counting.
const statsMonths = 6

// maxStatsTable keeps the table inside one Telegram message; a longer one
// is cut and the CSV has everything.
const maxStatsTable = 3000

// StatsChart draws the monthly callbacks of the counters as an image, for
// the bot to send; months are the x axis.
type StatsChart interface {
	Chart(ctx context.Context, stats []Stat, months []string) ([]byte, error)
}

// Names of the files /stats sends.
const (
	statsCSVName   = "frontdoor-stats.csv"
	statsChartName = "frontdoor-callbacks.png"
)

// canStats says whether she may see figures: admins all, coordinators
// their networks'.
func (s staffDialogue) canStats() bool {
	return s.d.svc.stats != nil && s.me.has(RoleCoordinator, "")
}

// statsButton is the staff menu's button to the figures, for those who
// may see them.
func (s staffDialogue) statsButton() []Button {
	if !s.canStats() {
		return nil
	}
	return []Button{staffButton(T("staff.button_stats"), "stats", "")}
}

// loadStats reads the counters of the last months that she may see; ok
// is false when she may see none or the store failed (she was answered).
func (s staffDialogue) loadStats() (stats []Stat, months []string, ok bool) {
	if !s.canStats() {
		s.menu()
		return nil, nil, false
	}
	months = ClosedMonths(s.d.now, statsMonths)
	stats, err := s.d.svc.stats.Stats(s.d.ctx, months[0], months[len(months)-1])
	if err != nil {
		s.d.svc.log.LogAttrs(s.d.ctx, slog.LevelError, "stats load failed", logattr.Event("store_error"), logattr.Op("stats"), logattr.Err(err))
		s.d.event = "store_error"
		s.reply([]Text{T("error.store")})
		return nil, nil, false
	}
	return s.me.statsOf(stats), months, true
}

// stats shows the compact table of the last months, with buttons for the
// CSV and the chart.
func (s staffDialogue) stats() {
	stats, months, ok := s.loadStats()
	if !ok {
		return
	}
	s.d.event = "staff_stats"
	texts := []Text{T("stats.title", "From", months[0], "To", months[len(months)-1])}
	table := StatsTable(stats, months)
	if table == "" {
		s.reply(append(texts, T("stats.none")))
		return
	}
	texts = append(texts, T("stats.table", "Table", directory.Clip(table, maxStatsTable)), T("stats.small"))
	row := []Button{staffButton(T("stats.button_csv"), "statscsv", "")}
	if s.d.svc.chart != nil {
		row = append(row, staffButton(T("stats.button_chart"), "statschart", ""))
	}
	s.reply(texts, row)
}

// statsCSV sends every counter she may see as a CSV file.
func (s staffDialogue) statsCSV() {
	stats, _, ok := s.loadStats()
	if !ok {
		return
	}
	s.d.event = "staff_stats_csv"
	s.d.say(Reply{Texts: []Text{T("stats.csv_caption")}, Document: &Document{Name: statsCSVName, Data: StatsCSV(stats)}})
	s.reply([]Text{T("stats.small")})
}

// statsChart sends the chart of the callbacks she may see.
func (s staffDialogue) statsChart() {
	if s.d.svc.chart == nil {
		s.menu()
		return
	}
	stats, months, ok := s.loadStats()
	if !ok {
		return
	}
	png, err := s.d.svc.chart.Chart(s.d.ctx, stats, months)
	if err != nil {
		s.d.svc.log.LogAttrs(s.d.ctx, slog.LevelError, "stats chart failed", logattr.Event("stats_chart_failed"), logattr.Err(err))
		s.d.event = "stats_chart_failed"
		s.reply([]Text{T("error.store")})
		return
	}
	s.d.event = "staff_stats_chart"
	s.d.say(Reply{Texts: []Text{T("stats.chart_caption")}, Document: &Document{Name: statsChartName, Data: png}})
	s.reply([]Text{T("stats.small")})
}
