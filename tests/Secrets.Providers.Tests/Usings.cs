global using Shouldly;
global using Xunit;
global using Secrets.Providers.Contracts;
