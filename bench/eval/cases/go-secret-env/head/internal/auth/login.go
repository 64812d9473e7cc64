package auth

import (
	"encoding/json"
	"net/http"

	"example.com/shop/internal/users"
)

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// Login checks the credentials and starts a server-side session.
func Login(store *users.Store, sessions *SessionStore) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req loginRequest
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&req); err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		u, err := store.Authenticate(r.Context(), req.Email, req.Password)
		if err != nil {
			http.Error(w, "invalid email or password", http.StatusUnauthorized)
			return
		}
		sessions.Start(w, u.ID)
		w.WriteHeader(http.StatusNoContent)
	}
}
