package bot

import (
	"bufio"
	"context"
	"fmt"
	"html"
	"io"
	"regexp"
	"strconv"
	"strings"

	"frontdoor/flows"
)

// ConsoleChat is the chat id of the console's conversation. Telegram's
// private chat ids are user ids, which are never this small.
const ConsoleChat int64 = 1

// Console runs the dialogues in a terminal: replies are printed as text,
// buttons are numbered and picked by number or by their label, a location
// is typed as "lat,lon".
type Console struct {
	Handler  Handler
	Renderer Renderer
	In       io.Reader
	Out      io.Writer
	// Lang is the language the console reports, like Telegram's language_code.
	Lang string
	// Echo prints each input line after the prompt, so that a session fed
	// from a file reads as a transcript.
	Echo bool
}

// Run greets, starts the dialogue and reads lines until the input ends or
// ctx is cancelled.
func (c *Console) Run(ctx context.Context) error {
	fmt.Fprintln(c.Out, "frontdoor console. Type text or a /command, a button's number or label, or a location as lat,lon (45.13,10.02). Ctrl-D quits.")
	buttons, err := c.handle(ctx, flows.Input{Kind: flows.KindCommand, Command: "start"})
	if err != nil {
		return err
	}
	lines := make(chan string)
	scanErr := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(c.In)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		scanErr <- sc.Err()
		close(lines)
	}()
	for {
		fmt.Fprint(c.Out, "> ")
		var line string
		select {
		case <-ctx.Done():
			return nil
		case l, ok := <-lines:
			if !ok {
				fmt.Fprintln(c.Out)
				return <-scanErr
			}
			line = strings.TrimSpace(l)
		}
		if c.Echo {
			fmt.Fprintln(c.Out, line)
		}
		if line == "" {
			continue
		}
		if b, ok := pickedLink(line, buttons); ok {
			// A link opens in the browser on Telegram; a terminal can only
			// say where.
			fmt.Fprintf(c.Out, "\n[%s opens %s]\n", b.Label, b.URL)
			continue
		}
		in := ParseConsoleLine(line, buttons)
		next, err := c.handle(ctx, in)
		if err != nil {
			return err
		}
		buttons = next
	}
}

// handle runs one input and prints the replies; it returns the buttons now
// on screen, in the order they were numbered.
func (c *Console) handle(ctx context.Context, in flows.Input) ([]MessageButton, error) {
	in.Chat = ConsoleChat
	in.Lang = c.Lang
	res, err := c.Handler.Handle(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("console: %w", err)
	}
	var shown []MessageButton
	if res.Answer != nil {
		// On Telegram a pop-up over the chat, for whoever pressed.
		fmt.Fprintln(c.Out)
		fmt.Fprintln(c.Out, "[pop-up] "+popupText(c.Renderer.Render(res.Lang, flows.Reply{Texts: []flows.Text{*res.Answer}}).Text))
	}
	if res.Wipe {
		// On Telegram the messages are deleted; a terminal can only say so.
		fmt.Fprintln(c.Out)
		fmt.Fprintln(c.Out, "[the chat is wiped]")
	}
	for _, rep := range res.Replies {
		if rep.Transient {
			continue // on Telegram it is deleted at once
		}
		m := c.Renderer.Render(res.Lang, rep)
		fmt.Fprintln(c.Out)
		fmt.Fprintln(c.Out, PlainText(m.Text))
		if m.Document != nil {
			fmt.Fprintf(c.Out, "  [file %s, %d bytes]\n", m.Document.Name, len(m.Document.Data))
		}
		if m.LocationLabel != "" {
			fmt.Fprintf(c.Out, "  [%s: type lat,lon]\n", m.LocationLabel)
		}
		if m.ContactLabel != "" {
			fmt.Fprintf(c.Out, "  [%s: type the number]\n", m.ContactLabel)
		}
		for _, row := range m.Buttons {
			cells := make([]string, len(row))
			for i, b := range row {
				shown = append(shown, b)
				cells[i] = fmt.Sprintf("[%d] %s", len(shown), b.Label)
				if b.URL != "" {
					cells[i] += " (" + b.URL + ")"
				}
			}
			fmt.Fprintln(c.Out, "  "+strings.Join(cells, "  "))
		}
	}
	return shown, nil
}

var (
	tags     = regexp.MustCompile(`<[^>]*>`)
	location = regexp.MustCompile(`^(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)$`)
)

// PlainText turns a message's HTML into what a terminal shows.
func PlainText(s string) string { return html.UnescapeString(tags.ReplaceAllString(s, "")) }

// pickedLink is the link button that a typed number picks, if any.
func pickedLink(line string, buttons []MessageButton) (MessageButton, bool) {
	n, err := strconv.Atoi(line)
	if err != nil || n < 1 || n > len(buttons) || buttons[n-1].URL == "" {
		return MessageButton{}, false
	}
	return buttons[n-1], true
}

// ParseConsoleLine reads one typed line: a button's number or label among
// those on screen, a location "lat,lon", a /command, or text.
func ParseConsoleLine(line string, buttons []MessageButton) flows.Input {
	if n, err := strconv.Atoi(line); err == nil && n >= 1 && n <= len(buttons) {
		return flows.Input{Kind: flows.KindButton, Data: buttons[n-1].Data}
	}
	for _, b := range buttons {
		// Labels in right-to-left languages carry isolates around values.
		if strings.EqualFold(line, strings.Trim(b.Label, lri+fsi+pdi)) {
			return flows.Input{Kind: flows.KindButton, Data: b.Data}
		}
	}
	if m := location.FindStringSubmatch(line); m != nil {
		lat, _ := strconv.ParseFloat(m[1], 64)
		lon, _ := strconv.ParseFloat(m[2], 64)
		if lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180 {
			return flows.Input{Kind: flows.KindLocation, Lat: lat, Lon: lon}
		}
	}
	return ParseTyped(line)
}
