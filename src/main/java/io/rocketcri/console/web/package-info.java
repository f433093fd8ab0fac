/**
 * The web console for node operators: server-rendered Thymeleaf pages over the capability
 * services (never the gRPC layer), live through server-sent events, with the browser assets of
 * {@code frontend/} (htmx, xterm.js, uPlot, Pico). Controllers map a request to one or two service
 * calls and a view model; pages that need logs, image pulls or prune call the REST API from the
 * browser with the session cookie.
 */
package io.rocketcri.console.web;
