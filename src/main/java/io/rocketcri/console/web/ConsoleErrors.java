package io.rocketcri.console.web;

import io.rocketcri.failure.InvalidArgument;
import io.rocketcri.failure.NotFound;
import io.rocketcri.failure.RuntimeFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ResponseStatus;

/**
 * The console's failures as a page that says what was attempted and why it failed (the
 * capability's message names the action and the id): unknown id 404, bad filter 400, the rest
 * 500 with the runtime's message. Only for the console's controllers; the REST API has its own.
 */
@ControllerAdvice(basePackageClasses = ConsoleErrors.class)
class ConsoleErrors {

	private static final Logger log = LoggerFactory.getLogger(ConsoleErrors.class);

	@ExceptionHandler(NotFound.class)
	@ResponseStatus(HttpStatus.NOT_FOUND)
	String notFound(NotFound ex, Model model) {
		return page(model, 404, "Not found", ex.getMessage());
	}

	@ExceptionHandler(InvalidArgument.class)
	@ResponseStatus(HttpStatus.BAD_REQUEST)
	String invalid(InvalidArgument ex, Model model) {
		return page(model, 400, "Bad request", ex.getMessage());
	}

	@ExceptionHandler(RuntimeFailure.class)
	@ResponseStatus(HttpStatus.INTERNAL_SERVER_ERROR)
	String failed(RuntimeFailure ex, Model model) {
		log.warn("console: {}", ex.getMessage());
		return page(model, 500, "The runtime could not do it", ex.getMessage());
	}

	private static String page(Model model, int status, String title, String message) {
		model.addAttribute("status", status);
		model.addAttribute("title", title);
		model.addAttribute("message", message);
		return "problem";
	}

}
