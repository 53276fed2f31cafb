package dev.webhookhub.security;

import java.util.List;

import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Environment API keys guard the public API; the admin token guards environment management. */
@Configuration
public class SecurityConfig implements WebMvcConfigurer {

    private final ApiKeyInterceptor apiKeys;
    private final AdminTokenInterceptor adminToken;

    public SecurityConfig(ApiKeyInterceptor apiKeys, AdminTokenInterceptor adminToken) {
        this.apiKeys = apiKeys;
        this.adminToken = adminToken;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(adminToken).addPathPatterns("/v1/environments", "/v1/environments/**");
        registry.addInterceptor(apiKeys).addPathPatterns("/v1/**", "/webhook", "/webhook/**")
                // inbound webhooks carry their producer's signature, checked against the source's own secret
                .excludePathPatterns("/v1/environments", "/v1/environments/**", "/v1/inbound/**");
    }

    /** Lets controllers take a {@link Tenant} parameter. */
    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new HandlerMethodArgumentResolver() {
            @Override
            public boolean supportsParameter(MethodParameter parameter) {
                return parameter.getParameterType() == Tenant.class;
            }

            @Override
            public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mav, NativeWebRequest request,
                    WebDataBinderFactory binderFactory) {
                return request.getAttribute(ApiKeyInterceptor.TENANT_ATTRIBUTE, RequestAttributes.SCOPE_REQUEST);
            }
        });
    }
}
