package dev.webhookhub.security;

import java.nio.file.Path;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Creates the {@link DataDirectory} as the very first thing, before the database opens its files there, so that
 * they are born in a directory that only the owner can enter.
 */
@Configuration(proxyBeanMethods = false)
class DataDirectoryConfiguration {

    @Bean
    static BeanFactoryPostProcessor earlyDataDirectory() {
        return new EarlyDataDirectory();
    }

    private static final class EarlyDataDirectory implements BeanFactoryPostProcessor, EnvironmentAware {
        private Environment environment;

        @Override
        public void setEnvironment(Environment environment) {
            this.environment = environment;
        }

        @Override
        public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
            Path path = Path.of(environment.getProperty("hub.data-dir", "./data"));
            beanFactory.registerSingleton("dataDirectory", new DataDirectory(path));
        }
    }
}
