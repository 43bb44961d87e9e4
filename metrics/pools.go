package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"kmsconsole/store"
)

// pools reports the database connection pools at each scrape.
type pools struct {
	stats                               func() []store.PoolStats
	max, open, inUse, idle, waits, wait *prometheus.Desc
}

// Pools registers the figures of the database's connection pools, read from stats at
// each scrape.
func (m *Metrics) Pools(stats func() []store.PoolStats) {
	d := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc(name, help, []string{"pool"}, nil)
	}
	m.reg.MustRegister(pools{
		stats: stats,
		max:   d("console_db_connections_max", "The most connections the pool opens."),
		open:  d("console_db_connections_open", "Connections open now, in use or idle."),
		inUse: d("console_db_connections_in_use", "Connections serving a query now."),
		idle:  d("console_db_connections_idle", "Open connections waiting for work."),
		waits: d("console_db_waits_total", "Times a query waited for a free connection: a pool too small for the load."),
		wait:  d("console_db_wait_seconds_total", "Time queries spent waiting for a free connection."),
	})
}

func (p pools) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{p.max, p.open, p.inUse, p.idle, p.waits, p.wait} {
		ch <- d
	}
}

func (p pools) Collect(ch chan<- prometheus.Metric) {
	for _, s := range p.stats() {
		gauge := func(d *prometheus.Desc, v float64) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, s.Pool)
		}
		gauge(p.max, float64(s.Max))
		gauge(p.open, float64(s.Open))
		gauge(p.inUse, float64(s.InUse))
		gauge(p.idle, float64(s.Idle))
		ch <- prometheus.MustNewConstMetric(p.waits, prometheus.CounterValue, float64(s.Waits), s.Pool)
		ch <- prometheus.MustNewConstMetric(p.wait, prometheus.CounterValue, s.WaitDuration.Seconds(), s.Pool)
	}
}
