package dev.webhookhub.routes;

import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;

@RestController
public class RoutesController {

    /** The routes running in the hub, and the route files that do not load as they are now. */
    public record RoutesResponse(List<RoutesDirectory.RouteView> routes, List<RoutesDirectory.LoadError> errors) {
    }

    private final RoutesDirectory directory;

    public RoutesController(RoutesDirectory directory) {
        this.directory = directory;
    }

    @Operation(summary = "The Camel routes of the hub: id, file, status (Started, Stopped...) and the endpoint each "
            + "reads from; and the route files that do not load, with the line and the reason")
    @GetMapping("/v1/routes")
    public RoutesResponse routes() {
        return new RoutesResponse(directory.routes(), directory.errors());
    }
}
