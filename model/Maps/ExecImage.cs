namespace Uvm.Model.Maps;

/// <summary>
/// The program exec maps, in pages (the exec package's vmcmds, exec_elf32.c): text at its link
/// address, data (with bss) right after it, the initial stack below USRSTACK, and the ELF
/// interpreter (ld.elf_so), placed at VM_DEFAULT_ADDRESS.
/// </summary>
public sealed record ExecImage(int TextStart = 8, int TextPages = 2, int DataPages = 2, int StackPages = 2, int InterpreterPages = 3)
{
    /// <summary>vm_daddr: the data segment follows the text.</summary>
    public int Daddr => TextStart + TextPages;

    /// <inheritdoc/>
    public override string ToString() =>
        $"text [{TextStart},{Daddr}) data [{Daddr},{Daddr + DataPages}) stack {StackPages}p ld.elf_so {InterpreterPages}p";
}
