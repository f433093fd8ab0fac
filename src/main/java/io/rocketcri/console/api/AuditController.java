package io.rocketcri.console.api;

import java.util.List;

import io.rocketcri.console.security.AuditEvent;
import io.rocketcri.console.security.AuditLog;
import io.rocketcri.failure.InvalidArgument;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/audit}: the newest audited actions first (admin). */
@RestController
class AuditController {

	private final AuditLog audit;

	AuditController(AuditLog audit) {
		this.audit = audit;
	}

	@GetMapping("/api/v1/audit")
	List<AuditEvent> recent(@RequestParam(defaultValue = "100") int limit) {
		if (limit < 1 || limit > 10_000) {
			throw new InvalidArgument("limit: must be between 1 and 10000");
		}
		return audit.recent(limit);
	}

}
