namespace SaePipeline.Runtime;

/// <summary>pipeline.yaml's <c>device</c>: <c>auto</c> takes CUDA when this build of libtorch has it, else the CPU.</summary>
public enum DeviceChoice { Auto, Cpu, Cuda }
