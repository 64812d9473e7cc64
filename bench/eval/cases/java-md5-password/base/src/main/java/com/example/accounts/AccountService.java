package com.example.accounts;

import java.time.Clock;
import java.util.Locale;
import java.util.Optional;

public class AccountService {
    private final AccountRepository accounts;
    private final Clock clock;

    public AccountService(AccountRepository accounts, Clock clock) {
        this.accounts = accounts;
        this.clock = clock;
    }

    public Optional<Account> findByEmail(String email) {
        return accounts.findByEmail(email.trim().toLowerCase(Locale.ROOT));
    }
}
