package bot

import (
	"strconv"
	"strings"

	"frontdoor/flows"
)

// ParseTyped reads a line she typed where there are no command entities
// (the console, the web page's text field): a /command with its
// arguments, the "@bot" that Telegram's menus add left out, or text.
func ParseTyped(line string) flows.Input {
	line = strings.TrimSpace(line)
	if cmd, ok := strings.CutPrefix(line, "/"); ok && cmd != "" {
		name, args, _ := strings.Cut(cmd, " ")
		name, _, _ = strings.Cut(name, "@")
		return flows.Input{Kind: flows.KindCommand, Command: strings.ToLower(name), Args: strings.TrimSpace(args)}
	}
	return flows.Input{Kind: flows.KindText, Text: line}
}

// KindName is the word for an input's kind in logs and metrics.
func KindName(k flows.Kind) string {
	switch k {
	case flows.KindCommand:
		return "command"
	case flows.KindText:
		return "text"
	case flows.KindButton:
		return "button"
	case flows.KindLocation:
		return "location"
	case flows.KindContact:
		return "contact"
	case flows.KindDocument:
		return "document"
	}
	return "kind" + strconv.Itoa(int(k))
}
