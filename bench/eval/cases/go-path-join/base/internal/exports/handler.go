package exports

import (
	"encoding/json"
	"net/http"
	"os"
	"sort"
)

// Server serves the CSV exports that the nightly job writes into ExportDir.
type Server struct {
	ExportDir string
}

// handleList answers GET /exports with the names of the available exports.
func (s *Server) handleList(w http.ResponseWriter, r *http.Request) {
	entries, err := os.ReadDir(s.ExportDir)
	if err != nil {
		http.Error(w, "exports unavailable", http.StatusServiceUnavailable)
		return
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if e.Type().IsRegular() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(names)
}

// Routes registers the handlers.
func (s *Server) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /exports", s.handleList)
}
