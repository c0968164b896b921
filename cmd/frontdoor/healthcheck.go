package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

var healthcheckSpec = cmdSpec{usage: "frontdoor healthcheck",
	help: `Asks the running bot's /healthz (at FRONTDOOR_HTTP) whether it is ready, and exits 0 when it
is, 1 when it is not or does not answer: the container image's HEALTHCHECK.`}

// healthcheckCmd asks the running bot whether it is ready.
func healthcheckCmd(c *cli, args []string) int {
	_, cfg, ok := c.begin(healthcheckSpec, args)
	if !ok {
		return c.code
	}
	if cfg.HTTP == "" {
		fmt.Fprintln(c.stderr, "frontdoor: healthcheck: FRONTDOOR_HTTP is off: there is no /healthz to ask")
		return 1
	}
	ctx, cancel := context.WithTimeout(c.ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+cfg.HTTP+"/healthz", nil)
	if err != nil {
		fmt.Fprintf(c.stderr, "frontdoor: healthcheck: %v\n", err)
		return 1
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(c.stderr, "frontdoor: healthcheck: no answer from the bot: %v\n", err)
		return 1
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	c.stdout.Write(body)
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(c.stderr, "frontdoor: healthcheck: not ready (%s)\n", resp.Status)
		return 1
	}
	return 0
}
